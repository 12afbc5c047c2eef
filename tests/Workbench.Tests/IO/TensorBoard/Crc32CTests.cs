using Workbench.IO.TensorBoard;

namespace Workbench.Tests.IO.TensorBoard;

public class Crc32CTests
{
    /// <summary>The CRC examples of RFC 3720 (iSCSI), appendix B.4, as 32-bit values.</summary>
    [Theory]
    [InlineData("zeros", 0x8A9136AAu)]
    [InlineData("ones", 0x62A8AB43u)]
    [InlineData("incrementing", 0x46DD794Eu)]
    [InlineData("decrementing", 0x113FDB5Cu)]
    [InlineData("read-pdu", 0xD9963A56u)]
    public void Compute_Rfc3720TestVectors_MatchTheRfc(string vector, uint expected)
    {
        byte[] data = vector switch
        {
            "zeros" => new byte[32],
            "ones" => Enumerable.Repeat((byte)0xFF, 32).ToArray(),
            "incrementing" => Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(),
            "decrementing" => Enumerable.Range(0, 32).Select(i => (byte)(31 - i)).ToArray(),
            // An iSCSI SCSI Read (10) command PDU, 48 bytes.
            _ => Convert.FromHexString(
                "01C00000000000000000000000000000" +
                "14000000000004000000001400000018" +
                "28000000000000000200000000000000"),
        };
        Assert.Equal(expected, Crc32C.Compute(data));
    }

    [Fact]
    public void Compute_CheckString_IsTheCatalogueCheckValue() =>
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8)); // CRC-32/ISCSI check value

    /// <summary>Masked values printed by TensorBoard's own pure-Python <c>masked_crc32c</c> for these inputs.</summary>
    [Theory]
    [InlineData("", 0xA282EAD8u)]
    [InlineData("313233343536373839", 0xC78AB0E5u)]
    [InlineData("0000000000000000", 0x07980329u)]
    [InlineData("1800000000000000", 0x224B7FA3u)]
    public void Masked_KnownInputs_MatchTensorBoardsMaskedCrc(string hex, uint expected) =>
        Assert.Equal(expected, Crc32C.Masked(Convert.FromHexString(hex)));

    [Theory]
    [InlineData(0u)]
    [InlineData(0xFFFFFFFFu)]
    [InlineData(0xE3069283u)]
    public void Unmask_OfMask_GivesTheCrcBack(uint crc) => Assert.Equal(crc, Crc32C.Unmask(Crc32C.Mask(crc)));
}
