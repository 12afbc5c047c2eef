using Workbench.Notebooks;

namespace Workbench.Tests.Notebooks;

/// <summary>The lines between the kernel host and the runner: what one side writes, the other reads back.</summary>
public sealed class HostProtocolTests
{
    [Fact]
    public void CellEnd_WithDisplayUpdates_ParsesBackToTheSameCounts()
    {
        var line = HostProtocol.CellEnd(4, CellState.Ok, TimeSpan.FromMilliseconds(1234), [12, 3]);

        Assert.Equal("##workbench cell-end 4 ok 1234 12,3", line);
        var ended = Assert.IsType<HostMessage.CellEnded>(HostProtocol.Parse(line));
        Assert.Equal((4, CellState.Ok, TimeSpan.FromMilliseconds(1234)), (ended.CellIndex, ended.State, ended.Elapsed));
        Assert.Equal([12, 3], ended.DisplayUpdates);
    }

    [Fact]
    public void CellEnd_WithoutDisplayUpdates_ParsesToNone()
    {
        var ended = Assert.IsType<HostMessage.CellEnded>(HostProtocol.Parse(HostProtocol.CellEnd(2, CellState.Failed, TimeSpan.FromSeconds(1))));

        Assert.Equal(CellState.Failed, ended.State);
        Assert.Empty(ended.DisplayUpdates);
    }

    [Theory]
    [InlineData("##workbench cell-end 0 bogus 1")]
    [InlineData("##workbench cell-end 0 ok soon")]
    [InlineData("##workbench cell-end 0 ok 5 1,x")]
    [InlineData("##workbench cell-start one 1 3 summary")]
    [InlineData("##workbench finished -")]
    public void Parse_MalformedLine_IsNotAMessage(string line) => Assert.Null(HostProtocol.Parse(line));
}
