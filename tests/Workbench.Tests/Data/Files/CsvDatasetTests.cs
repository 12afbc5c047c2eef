using Workbench.Data;
using Workbench.Data.Files;
using Workbench.Tests.Support;

namespace Workbench.Tests.Data.Files;

/// <summary>CSV files of numbers as 1×D examples, and the message each broken file gets.</summary>
public class CsvDatasetTests
{
    private static string Write(Support.TempDirectory dir, string text)
    {
        var path = dir.File("table.csv");
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>20 rows: features (i, i/2, −i), label "big" for i ≥ 10 else "small".</summary>
    private static string Table(bool header) =>
        (header ? "a,b,species,c\n" : "") + string.Concat(Enumerable.Range(0, 20).Select(i =>
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{i},{i / 2.0},{(i >= 10 ? "big" : "small")},{-i}\n")));

    [Fact]
    public void Load_HeaderAndNamedLabelColumn_GivesOneByDExamplesAndSortedClasses()
    {
        using var dir = new Support.TempDirectory();
        var (train, test) = CsvDataset.Load(Write(dir, Table(header: true)), "species");

        var (trainIndices, testIndices) = SeededSplit.Indices(20);
        Assert.Equal((18, 2), (train.Count, test.Count));
        Assert.Equal((1, 1, 3), (train.Channels, train.Height, train.Width));
        Assert.Equal(["big", "small"], train.ClassNames);
        for (int k = 0; k < test.Count; k++)
        {
            int i = testIndices[k];
            Assert.Equal([i, i / 2f, -i], test.Image(k).ToArray());
            Assert.Equal(i >= 10 ? 0 : 1, test.Labels[k]);
        }
        Assert.Equal(trainIndices.Select(i => (float)i), Enumerable.Range(0, train.Count).Select(k => train.Image(k)[0]));
    }

    [Fact]
    public void Load_NoHeaderLabelColumnByNumber_ReadsEveryRowAsData()
    {
        using var dir = new Support.TempDirectory();
        var (train, test) = CsvDataset.Load(Write(dir, Table(header: false)), "3");

        Assert.Equal(20, train.Count + test.Count);
        Assert.Equal(3, train.Width);
    }

    [Fact]
    public void Load_IntegerLabels_AreOrderedNumerically()
    {
        using var dir = new Support.TempDirectory();
        var (train, test) = CsvDataset.Load(Write(dir, "x,y\n" + string.Concat(Enumerable.Range(0, 12).Select(i => $"{i},{(i % 3 == 0 ? 10 : i % 3 == 1 ? 9 : 100)}\n"))), "y");

        Assert.Equal(["9", "10", "100"], train.ClassNames);
    }

    [Fact]
    public void Load_NonNumericCell_NamesFileLineAndColumn()
    {
        using var dir = new Support.TempDirectory();
        var path = Write(dir, "a,b,c\n1,2,3\n4,five,6\n");

        var e = Assert.Throws<DataFileException>(() => CsvDataset.Load(path));
        Assert.Equal($"{path}: line 3, column 2 ('b'): 'five' is not a finite number", e.Message);
    }

    [Fact]
    public void Load_RaggedRow_NamesTheLine()
    {
        using var dir = new Support.TempDirectory();
        var path = Write(dir, "1,2,3\n4,5\n");

        var e = Assert.Throws<DataFileException>(() => CsvDataset.Load(path));
        Assert.Equal($"{path}: line 2 has 2 cells but the first row has 3; every row needs the same columns", e.Message);
    }

    [Fact]
    public void Load_UnknownLabelColumn_ListsTheColumns()
    {
        using var dir = new Support.TempDirectory();
        var path = Write(dir, Table(header: true));

        var e = Assert.Throws<DataFileException>(() => CsvDataset.Load(path, "kind"));
        Assert.Equal($"{path}: has no column 'kind'; its columns are a, b, species, c (or give a column number 1 to 4)", e.Message);
    }

    [Fact]
    public void Load_HeaderOnly_SaysThereAreNoRows()
    {
        using var dir = new Support.TempDirectory();
        var path = Write(dir, "a,b\n");

        var e = Assert.Throws<DataFileException>(() => CsvDataset.Load(path));
        Assert.Equal($"{path}: has a header but no rows of numbers", e.Message);
    }
}
