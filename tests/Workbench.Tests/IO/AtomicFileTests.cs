using Workbench.IO;
using Workbench.Tests.Support;

namespace Workbench.Tests.IO;

public class AtomicFileTests
{
    [Fact]
    public void Write_WriterThrows_LeavesOldFileIntactAndNoTemporaryFile()
    {
        using var dir = new TempDirectory();
        string path = dir.File("checkpoint.bin");
        File.WriteAllText(path, "old contents");

        var ex = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("half of the new contents"u8);
            throw new InvalidOperationException("disk on fire");
        }));

        Assert.Equal("disk on fire", ex.Message);
        Assert.Equal("old contents", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void WriteAllText_ExistingFile_ReplacesContentsWithoutByteOrderMark()
    {
        using var dir = new TempDirectory();
        string path = dir.File("notes.txt");
        File.WriteAllText(path, "a much longer old text that must disappear entirely");
        AtomicFile.WriteAllText(path, "new é");
        Assert.Equal("new é"u8.ToArray(), File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void WriteAllBytes_NewFile_CreatesIt()
    {
        using var dir = new TempDirectory();
        string path = dir.File("data.bin");
        AtomicFile.WriteAllBytes(path, [1, 2, 3]);
        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
    }

    [Fact]
    public void Write_MissingDirectory_CreatesIt()
    {
        using var dir = new TempDirectory();
        string target = Path.Combine(dir.File("nope"), "deeper", "x.txt");
        AtomicFile.WriteAllText(target, "x");
        Assert.Equal("x", File.ReadAllText(target));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(target)!));
    }
}
