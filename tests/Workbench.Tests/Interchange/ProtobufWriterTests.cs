using Workbench.Interchange.Onnx;

namespace Workbench.Tests.Interchange;

/// <summary>The wire format against the worked examples of protobuf.dev's "Encoding" page.</summary>
public class ProtobufWriterTests
{
    [Fact]
    public void Int64_150InField1_IsTheDocumentedThreeBytes() =>
        Assert.Equal(new byte[] { 0x08, 0x96, 0x01 }, new ProtobufWriter().Int64(1, 150).ToArray());

    [Fact]
    public void String_TestingInField2_IsTagLengthAndUtf8() =>
        Assert.Equal(new byte[] { 0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67 }, new ProtobufWriter().String(2, "testing").ToArray());

    [Fact]
    public void Int64_MinusOne_TakesTenBytesAsTwosComplement() =>
        Assert.Equal([0x08, .. Enumerable.Repeat((byte)0xff, 9), 0x01], new ProtobufWriter().Int64(1, -1).ToArray());

    [Fact]
    public void Message_NestedField_IsLengthPrefixedWithItsBytes() =>
        Assert.Equal(new byte[] { 0x1a, 0x03, 0x08, 0x96, 0x01 }, new ProtobufWriter().Message(3, m => m.Int64(1, 150)).ToArray());

    [Fact]
    public void Float_One_IsFixed32LittleEndian() =>
        Assert.Equal(new byte[] { 0x15, 0x00, 0x00, 0x80, 0x3f }, new ProtobufWriter().Float(2, 1f).ToArray());
}
