namespace Workbench.Tests.Notebooks;

public sealed class SampleQualityAtDefaults : NotebookAtDefaults
{
    protected override string Name => "07-sample-quality";
}

/// <summary>notebooks/07-sample-quality.ipynb at its defaults: it runs, and what its text says holds.</summary>
[Collection(NotebooksAtDefaultsCollection.Name)]
public class SampleQualityNotebookTests(SampleQualityAtDefaults notebook) : IClassFixture<SampleQualityAtDefaults>
{
    private static readonly string[] NormalPrior = ["vae", "gaussian", "beta-0.5"];

    private ExecutedNotebook.Table Quality => Assert.Single(notebook.Executed.Tables("var quality = Lab.SampleQuality("));

    private double Fd(string run, string sampler) => Quality.Number($"{run}: {sampler}", "Fréchet distance");

    [Fact]
    public void Notebook_RunsCleanly_WithTheSampleGridsOfEveryModel() => notebook.AssertRanCleanly(minFigures: 0, minPictures: 8);

    [Fact]
    public void Judge_IsTheCommittedClassifier_AtLeastNinetyPercentAccurate()
    {
        var html = notebook.Executed.Html("var (classifier, classifierInfo) = Lab.FeatureClassifier();");
        var accuracy = System.Text.RegularExpressions.Regex.Match(html, @"TestAccuracy = ([0-9.]+)");
        Assert.True(accuracy.Success, "the classifier record shows its test accuracy");
        Assert.True(double.Parse(accuracy.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 0.90);
        Assert.Contains("1000 samples against 1000 test images", Quality.Caption);
    }

    [Fact]
    public void ExPostMixture_LowersTheFrechetDistanceByMoreThanAThird_AndRaisesPrecision_ForEveryNormalPriorModel()
    {
        foreach (var run in NormalPrior)
        {
            Assert.True(Fd(run, "ex-post mixture") < 2.0 / 3 * Fd(run, "prior"), $"{run}: {Fd(run, "prior")} → {Fd(run, "ex-post mixture")}");
            Assert.True(Quality.Number($"{run}: ex-post mixture", "precision") > Quality.Number($"{run}: prior", "precision"), run);
        }
    }

    [Fact]
    public void VampPrior_PriorSamplesHaveLessThanHalfTheVaesFrechetDistance() =>
        Assert.True(Fd("vamp-prior", "prior") < 0.5 * Fd("vae", "prior"), $"{Fd("vamp-prior", "prior")} vs {Fd("vae", "prior")}");

    [Fact]
    public void VampPrior_ExPostMixtureChangesItsFrechetDistanceByLessThanThreePercent()
    {
        // "A mixture fitted afterwards changes little for it: the two Fréchet distances … are within 3 % of each other"
        var prior = Fd("vamp-prior", "prior");
        var mixture = Fd("vamp-prior", "ex-post mixture");
        Assert.True(Math.Abs(mixture - prior) < 0.03 * prior, $"ex-post mixture {mixture} vs prior {prior}");
    }

    [Fact]
    public void GaussianLikelihood_AloneMakesPriorSamplesWorse() =>
        Assert.True(Fd("gaussian", "prior") > Fd("vae", "prior"), $"{Fd("gaussian", "prior")} vs {Fd("vae", "prior")}");

    [Fact]
    public void BetaHalf_ChangesThePriorSamplesFrechetDistanceByLessThanTenPercent() =>
        Assert.InRange(Fd("beta-0.5", "prior") / Fd("vae", "prior"), 0.9, 1.1);

    [Fact]
    public void Recall_StaysBelowATenthForEveryModelAndSampler() =>
        Assert.All(Quality.Numbers("recall"), recall => Assert.True(recall < 0.1, $"recall {recall}"));
}
