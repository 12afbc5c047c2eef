namespace Workbench.Data;

/// <summary>The shapes of <see cref="Sprites"/>, in label order.</summary>
public enum SpriteShape
{
    Square,
    Ellipse,
    Heart,
}

/// <summary>
/// Exact inside-tests for the sprite shapes in their own frame: centred at the origin, y pointing up,
/// and each shape fitting inside the unit disc, so a rotated shape never leaves its bounding circle.
/// </summary>
internal static class SpriteGeometry
{
    private const double HalfSide = 0.70710678118654752; // square's corners on the unit circle
    private const double EllipseMinor = 0.5;             // semi-axes 1 (along x) and 0.5

    // The heart is the curve (x² + y² − 1)³ − x²y³ = 0, which spans x ∈ [−1.139, 1.139],
    // y ∈ [−1, 1.236]; shifted up by 0.2 and shrunk by 1.29 it fits the unit disc (max radius 0.993).
    private const double HeartScale = 1.29;
    private const double HeartShift = 0.2;

    public static bool Inside(SpriteShape shape, double x, double y)
    {
        switch (shape)
        {
            case SpriteShape.Square:
                return Math.Abs(x) <= HalfSide && Math.Abs(y) <= HalfSide;
            case SpriteShape.Ellipse:
                double ey = y / EllipseMinor;
                return x * x + ey * ey <= 1.0;
            case SpriteShape.Heart:
                double hx = x * HeartScale, hy = y * HeartScale + HeartShift;
                double q = hx * hx + hy * hy - 1.0;
                return q * q * q - hx * hx * hy * hy * hy <= 0.0;
            default:
                throw new ArgumentOutOfRangeException(nameof(shape), shape, "unknown shape");
        }
    }
}
