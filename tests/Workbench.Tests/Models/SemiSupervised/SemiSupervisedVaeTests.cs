using Workbench.Data;
using Workbench.Evaluation;
using Workbench.Models;
using Workbench.Models.SemiSupervised;
using Workbench.Tensors;
using Workbench.Tests.Support;

namespace Workbench.Tests.Models.SemiSupervised;

/// <summary>
/// The M2 model's terms against brute force and finite differences, its configuration's checks, and the pictures a
/// notebook draws from it (same z with every class, analogies).
/// </summary>
public class SemiSupervisedVaeTests
{
    private const int Classes = 3;

    /// <summary>A tiny smooth (tanh) M2 on 2×3 images with three classes: small enough for finite differences over every parameter.</summary>
    private static SemiSupervisedVae Tiny(ulong seed = 3, float alpha = 0.1f, bool classifierOnly = false) =>
        (SemiSupervisedVae)new SemiSupervisedVaeConfig
        {
            ImageHeight = 2, ImageWidth = 3, HiddenSizes = [4], LatentSize = 2, Activation = "tanh", Classes = Classes, Labels = 3,
            Alpha = alpha, ClassifierOnly = classifierOnly,
        }.Build(new Rng(seed));

    [Fact]
    public void Unlabelled_EnumeratedInOneBatch_EqualsAnExplicitLoopOverTheClasses()
    {
        var model = Tiny();
        var images = TestData.Pixels(1, 5, 6);
        var noise = Tensor.Randn(new Rng(2), 5 * Classes, 2);
        var enumerated = model.Unlabelled(images, noise);

        // Brute force, image by image and class by class, from the labelled terms: Σ_y q(y|x)·(−ELBO(x, y)) + Σ_y q log q.
        var probabilities = model.ClassLogits(images).Softmax(1).ToArray();
        for (int b = 0; b < 5; b++)
        {
            var image = images.GatherRows([b]);
            double expected = 0, reconstruction = 0;
            for (int y = 0; y < Classes; y++)
            {
                double q = probabilities[b * Classes + y];
                var terms = model.Labelled(image, [y], noise.GatherRows([b * Classes + y]));
                expected += q * terms.NegativeElbo.Item() + q * Math.Log(q);
                reconstruction += q * terms.Reconstruction.Item();
            }
            Close.Assert([(float)expected], [enumerated.Loss.Span[b]], 1e-5, 1e-5, $"−U of image {b}");
            Close.Assert([(float)reconstruction], [enumerated.Reconstruction.Span[b]], 1e-5, 1e-5, $"expected reconstruction of image {b}");
        }
    }

    [Fact]
    public void Unlabelled_LossIsReconstructionPlusKlOverYAndZ()
    {
        var model = Tiny();
        var u = model.Unlabelled(TestData.Pixels(4, 3, 6), Tensor.Randn(new Rng(5), 3 * Classes, 2));
        var sum = (u.Reconstruction + u.Kl + u.LabelKl).ToArray();
        Close.Assert(sum, u.Loss.Span, 1e-6, 1e-6, "rec + KL_z + KL_y");
        Assert.All(u.LabelKl.ToArray(), kl => Assert.InRange(kl, -1e-6f, MathF.Log(Classes) + 1e-6f));
    }

    [Fact]
    public void Unlabelled_EveryParameter_GradientMatchesFiniteDifferences()
    {
        var model = Tiny();
        var images = TestData.Pixels(7, 3, 6);
        var noise = Tensor.Randn(new Rng(8), 3 * Classes, 2);
        var parameters = model.Parameters().ToArray();
        var result = GradientCheck.Run(_ => model.Unlabelled(images, noise).Loss, parameters,
            new GradientCheckOptions { Step = 1e-2f, AbsoluteTolerance = 2e-3, RelativeTolerance = 2e-2 });
        Assert.True(result.Passed, result.ToString());
    }

    [Fact]
    public void Forward_LabelledAndUnlabelledBatches_CombinesTheTermsWithTheStatedWeights()
    {
        var model = Tiny(alpha: 0.7f);
        var images = TestData.Pixels(9, 4, 6);
        var noise = Tensor.Randn(new Rng(10), 4 * Classes, 2);
        var labelledImages = TestData.Pixels(11, 2, 6);
        var labelledNoise = Tensor.Randn(new Rng(12), 2, 2);
        int[] labels = [1, 2];
        var output = model.Forward(new VaeBatch(images, noise, DatasetSize: 40) { Labelled = new LabelledBatch(labelledImages, labels, labelledNoise, 6) });

        var u = model.Unlabelled(images, noise).Loss.Mean().Item();
        var l = model.Labelled(labelledImages, labels, labelledNoise);
        double expected = u + 6.0 / 40 * l.NegativeElbo.Mean().Item() + 0.7 * l.ClassificationLoss.Mean().Item();
        Close.Assert([(float)expected], [output.Loss.Item()], 1e-6, 1e-5, "mean −U + (N_l/N)·mean −ELBO + α·mean CE");
    }

    [Fact]
    public void Forward_ClassifierOnly_TrainsTheClassifierAloneWithItsCrossEntropy()
    {
        var model = Tiny(classifierOnly: true);
        var images = TestData.Pixels(13, 2, 6);
        int[] labels = [0, 2];
        var output = model.Forward(new VaeBatch(TestData.Pixels(14, 4, 6), Tensor.Randn(new Rng(1), 4 * Classes, 2))
        {
            Labelled = new LabelledBatch(images, labels, Tensor.Randn(new Rng(2), 2, 2), 2),
        });
        output.Loss.Backward();

        Close.Assert([Losses.CrossEntropy(model.ClassLogits(images), labels).Item()], [output.Loss.Item()], 1e-6, 1e-6, "cross-entropy");
        foreach (var (name, parameter) in model.NamedParameters())
            Assert.True(name.StartsWith("classifier.", StringComparison.Ordinal) == (parameter.Grad is { } g && g.ToArray().Any(v => v != 0)),
                $"{name}: only the classifier's parameters receive a gradient");
    }

    [Fact]
    public void Forward_WithTrueLabelsAndNoLabelledBatch_IsTheConditionalElboOfTheFirstNoiseOfEachImage()
    {
        var model = Tiny();
        var images = TestData.Pixels(15, 3, 6);
        var noise = Tensor.Randn(new Rng(16), 3 * Classes, 2);
        int[] labels = [2, 1, 0];
        var output = model.Forward(new VaeBatch(images, noise, model.Conditioning.FromLabels(labels)));
        var terms = model.Labelled(images, labels, noise.GatherRows([0, Classes, 2 * Classes]));
        Close.Assert([(terms.Reconstruction + terms.Kl).Mean().Item()], [output.Loss.Item()], 1e-6, 1e-6, "rec + KL with the true labels");
    }

    [Fact]
    public void SampleEveryClass_SameZForEachRow_EqualsDecodingThatZWithEachClass()
    {
        var model = Tiny();
        var grid = model.SampleEveryClass(2, new Rng(4));                      // (2·K, D)
        var z = model.Prior.Sample(2, new Rng(4));
        for (int y = 0; y < Classes; y++)
        {
            var decoded = model.DecodeMean(z, model.Conditioning.FromLabels([y, y]));
            Close.Assert(decoded.GatherRows([0]).Span, grid.GatherRows([y]).Span, 1e-6, 1e-7, $"style 0, class {y}");
            Close.Assert(decoded.GatherRows([1]).Span, grid.GatherRows([Classes + y]).Span, 1e-6, 1e-7, $"style 1, class {y}");
        }
    }

    [Fact]
    public void Analogies_WithoutLabels_InferTheStyleWithThePredictedClass()
    {
        var model = Tiny();
        var images = TestData.Pixels(17, 2, 6);
        var predicted = model.PredictLabels(images);
        Assert.Equal(model.Analogies(images, predicted).ToArray(), model.Analogies(images).ToArray());
        var z = model.Encode(images, model.Conditioning.FromLabels(predicted)).Mean;
        var expected = model.DecodeMean(z.GatherRows([1]), model.Conditioning.FromLabels([2]));
        Close.Assert(expected.Span, model.Analogies(images).GatherRows([Classes + 2]).Span, 1e-6, 1e-7, "image 1 with class 2");
    }

    [Fact]
    public void ClassificationError_CountsTheImagesWhoseMostProbableClassIsWrong()
    {
        var model = Tiny();
        var data = TestData.Synthetic(3, 12, 2, 3, classes: Classes);
        var (images, labels) = data.Batch(Enumerable.Range(0, 12).ToArray());
        var predicted = model.PredictLabels(images);
        double expected = predicted.Zip(labels, (p, y) => p != y ? 1.0 : 0.0).Average();
        Assert.Equal(expected, ClassificationError.Evaluate(model, data, batchSize: 5));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-10)]
    [InlineData(105)]
    public void Validate_LabelsNotAPositiveMultipleOfTheClasses_NamesTheField(int labels)
    {
        var error = Assert.Throws<ArgumentException>(() => new SemiSupervisedVaeConfig { Labels = labels }.Validate());
        Assert.Equal($"Labels: must be a positive multiple of the number of classes (10), the same number of labelled images from each class (got {labels}).", error.Message);
    }

    [Fact]
    public void Defaults_AreKingmasArchitectureAndThePapersAlpha()
    {
        var config = new SemiSupervisedVaeConfig();
        Assert.Equal([500], config.HiddenSizes);
        Assert.Equal(50, config.LatentSize);
        Assert.Equal(0.1f, config.Alpha);
        Assert.Equal((100, 1UL), (config.LabelRequest!.Labels, config.LabelRequest.Seed));
        Assert.Equal("m2", config.VariantName);
    }
}
