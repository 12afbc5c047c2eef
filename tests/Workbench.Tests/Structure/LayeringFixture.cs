// A two-layer miniature of the library for LayeringTests: Low may use nothing, High may use Low. Each type in Low breaks
// the rule in exactly one way that a reading of source text or of signatures alone would miss; Clean breaks none.
// Every Low type but Clean must be reported, so each way of referring to a type is proven to be seen.

namespace Workbench.Tests.Structure.LayeringFixture.High
{
    public class HighThing
    {
        public static readonly int Shared = 2;
        public static HighThing Create() => new();
    }

    public interface IHighContract;

    public static class HighMath
    {
        public static int Double(int value) => 2 * value;
    }

    [AttributeUsage(AttributeTargets.All)]
    public sealed class HighMarkerAttribute : Attribute;

    /// <summary>Upward use is allowed: High may use Low, so this adds no violation.</summary>
    public class UsesLow
    {
        public Low.Clean Below = new();
    }
}

namespace Workbench.Tests.Structure.LayeringFixture.Low
{
    using static Workbench.Tests.Structure.LayeringFixture.High.HighMath;

    public class Clean
    {
        public int Value => 1;
    }

    public class BaseTypeUser : High.HighThing;

    public class InterfaceUser : High.IHighContract;

    public class FieldUser
    {
        public List<High.HighThing[]>? Items;
    }

    public class SignatureUser
    {
        public void Take(ref High.HighThing? thing) => thing = null;
    }

    public class ConstraintUser<T> where T : High.HighThing;

    [High.HighMarker]
    public class AttributeUser;

    public class AttributeArgumentUser
    {
        [System.ComponentModel.TypeConverter(typeof(High.HighThing))]
        public int Marked { get; set; }
    }

    public class GenericArgumentUser
    {
        public static int Count()
        {
            var things = new object?[] { null };
            return things.OfType<global::Workbench.Tests.Structure.LayeringFixture.High.HighThing>().Count();
        }
    }

    public class CallUser
    {
        public static object Make() => global::Workbench.Tests.Structure.LayeringFixture.High.HighThing.Create();
    }

    public class StaticUsingUser
    {
        public static int Twice(int value) => Double(value);
    }

    public class FieldTokenUser
    {
        public static int Read() => High.HighThing.Shared;
    }

    public class TypeTokenUser
    {
        public static Type Read() => typeof(High.HighThing);
    }

    public class CastUser
    {
        public static bool Is(object value) => value is High.HighThing;
    }

    public class LambdaUser
    {
        public static Func<int, int> Doubler() => value => Double(value);
    }

    public class ClosureUser
    {
        public static Func<int> Doubler(int value) => () => Double(value);
    }

    public class AsyncUser
    {
        public static async Task<int> TwiceAsync(int value)
        {
            await Task.Yield();
            return Double(value);
        }
    }

    public class IteratorUser
    {
        public static IEnumerable<int> Twice(int value)
        {
            yield return Double(value);
        }
    }
}
