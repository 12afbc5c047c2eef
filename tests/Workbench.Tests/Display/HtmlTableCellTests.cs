using Workbench.Display;

namespace Workbench.Tests.Display;

public class HtmlTableCellTests
{
    [Theory]
    [InlineData(1.273e-05, "0.0000127")]
    [InlineData(-0.00042, "-0.00042")]
    [InlineData(0.5, "0.5")]
    [InlineData(258.04809375, "258.0481")]
    [InlineData(0.0, "0")]
    [InlineData(123456.7, "123457")]
    public void Cell_FloatingPointNumber_PlainDecimalWithoutExponent(double value, string expected) =>
        Assert.Equal(expected, HtmlTable.Cell(value));

    [Fact]
    public void Cell_NaN_ShowsADash() => Assert.Equal("–", HtmlTable.Cell(double.NaN));
}
