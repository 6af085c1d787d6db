namespace Coop.Tests.Processes;

public class ProcessStdioTests
{
    [Fact]
    public void File_RelativePath_IsMadeAbsoluteNow()
    {
        var file = ProcessStdio.File("out.txt", append: true);

        Assert.Equal($"File({Path.GetFullPath("out.txt")}, append)", file.ToString());
    }

    [Fact]
    public void File_EmptyOrNullPath_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => ProcessStdio.File(""));
        Assert.Throws<ArgumentNullException>(() => ProcessStdio.File(null!));
    }

    [Fact]
    public void Kinds_ToString_NameThem()
    {
        Assert.Equal("Inherit", ProcessStdio.Inherit.ToString());
        Assert.Equal("Pipe", ProcessStdio.Pipe.ToString());
        Assert.Equal("Null", ProcessStdio.Null.ToString());
    }
}
