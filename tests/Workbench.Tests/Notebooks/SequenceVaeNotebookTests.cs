using System.Globalization;
using System.Text.RegularExpressions;

namespace Workbench.Tests.Notebooks;

public sealed class SequenceVaeAtDefaults : NotebookAtDefaults
{
    protected override string Name => "10-sequence-vae";
}

/// <summary>notebooks/10-sequence-vae.ipynb at its defaults: it runs, and what its text says holds.</summary>
[Collection(NotebooksAtDefaultsCollection.Name)]
public partial class SequenceVaeNotebookTests(SequenceVaeAtDefaults notebook) : IClassFixture<SequenceVaeAtDefaults>
{
    [Fact]
    public void Notebook_RunsCleanly_WithItsFigure() => notebook.AssertRanCleanly(minFigures: 1, minPictures: 0);
}
