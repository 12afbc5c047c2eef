using Workbench.Models;
using Workbench.Display;
using Workbench.Tensors;

namespace Workbench.Evaluation;

/// <summary>How often a conditional model's samples of class c are recognised as class c.</summary>
/// <param name="ClassNames">Names indexed by label.</param>
/// <param name="PerClassAccuracy">For each class c, the fraction of samples requested as c that the classifier labels c.</param>
/// <param name="SamplesPerClass">Samples drawn per class.</param>
/// <param name="ClassifierTestAccuracy">The judge's accuracy on real test images (the ceiling to compare with); null when not measured.</param>
[TypeFormatterSource(typeof(HtmlFormatterSource<ConditionalGenerationResult>), PreferredMimeTypes = ["text/html"])]
public sealed record ConditionalGenerationResult(IReadOnlyList<string> ClassNames, double[] PerClassAccuracy, int SamplesPerClass, double? ClassifierTestAccuracy)
    : IHtmlDisplayable
{
    /// <summary>Mean of the per-class accuracies (every class has the same number of samples).</summary>
    public double Accuracy => PerClassAccuracy.Average();

    public string ToHtml()
    {
        var caption = $"Conditional generation: {Accuracy:P1} of samples recognised as the requested class (chance {1.0 / ClassNames.Count:P0}"
                      + (ClassifierTestAccuracy is { } real ? $"; the classifier scores {real:P1} on real test images)" : ")");
        var table = new HtmlTable(["class", "label", "recognised"], caption);
        for (int c = 0; c < ClassNames.Count; c++) table.AddRow(c, ClassNames[c], PerClassAccuracy[c].ToString("P1", System.Globalization.CultureInfo.InvariantCulture));
        return table.ToHtml();
    }
}

/// <summary>
/// The conditional-generation accuracy check for a conditional VAE (Sohn et al. 2015): draw
/// z ~ N(0, I) with the condition set to class c, decode to the likelihood mean, and ask a classifier
/// trained on real images which class it sees. A model that ignores its condition scores about chance.
/// </summary>
public static class ConditionalGenerationCheck
{
    public static ConditionalGenerationResult Evaluate(VariationalAutoencoder model, ImageClassifier classifier, int samplesPerClass = 100,
        ulong seed = 0, double? classifierTestAccuracy = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(classifier);
        if (samplesPerClass < 1) throw new ArgumentOutOfRangeException(nameof(samplesPerClass), samplesPerClass, "Draw at least one sample per class.");
        int classes = model.Conditioning.Classes;
        if (!model.Conditioning.IsConditional)
            throw new ArgumentException("The conditional-generation check needs a model conditioned on classes (variant \"cvae\").", nameof(model));
        if (classifier.Classes != classes)
            throw new ArgumentException($"The classifier knows {classifier.Classes} classes but the model is conditioned on {classes}.", nameof(classifier));
        if (classifier.ValuesPerImage != model.Pixels)
            throw new ArgumentException($"The classifier expects {classifier.ValuesPerImage} pixels but the model draws {model.Pixels}.", nameof(classifier));

        var rng = new Rng(seed);
        var accuracy = new double[classes];
        for (int c = 0; c < classes; c++)
        {
            var samples = model.SampleClass(c, samplesPerClass, rng); // (n, D)
            accuracy[c] = (double)classifier.Predict(samples).Count(p => p == c) / samplesPerClass;
        }
        return new ConditionalGenerationResult(classifier.ClassNames, accuracy, samplesPerClass, classifierTestAccuracy);
    }
}
