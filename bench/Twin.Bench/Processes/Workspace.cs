namespace Twin.Bench.Processes;

/// <summary>Where one benchmark run keeps its files: the processes' logs, configs and generated topologies.</summary>
public sealed class Workspace
{
    public Workspace(string root)
    {
        Root = root;
        Directory.CreateDirectory(root);
    }

    public string Root { get; }

    /// <summary>The repository this program was built from (the directory holding Twin.sln).</summary>
    public static string Repository { get; } = FindRepository();

    public string File(string name) => Path.Combine(Root, name);

    public string LogFile(string name) => Path.Combine(Root, $"{name}.log");

    static string FindRepository()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (System.IO.File.Exists(Path.Combine(directory.FullName, "Twin.sln")))
                return directory.FullName;
        throw new BenchException("cannot find the repository (Twin.sln) above " + AppContext.BaseDirectory);
    }
}
