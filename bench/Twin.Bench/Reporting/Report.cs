using System.Globalization;
using System.Text;
using Spectre.Console;

namespace Twin.Bench.Reporting;

/// <summary>One line of the results: what was measured, the figure, and the target it is held against.</summary>
public sealed record Figure(string Section, string Measure, string Value, string Target = "", bool? Met = null);

/// <summary>Collects the figures of a run, prints them as they come and as one table at the end, and writes them as Markdown.</summary>
public sealed class Report
{
    readonly List<Figure> figures = [];
    readonly List<string> notes = [];

    public IReadOnlyList<Figure> Figures => figures;

    public void Add(string section, string measure, string value, string target = "", bool? met = null)
    {
        var figure = new Figure(section, measure, value, target, met);
        figures.Add(figure);
        AnsiConsole.MarkupLineInterpolated($"  [grey]{section}[/] {measure}: [bold]{value}[/]{(target.Length > 0 ? $"  (target {target}: {Verdict(met)})" : "")}");
    }

    public void Note(string note)
    {
        notes.Add(note);
        AnsiConsole.MarkupLineInterpolated($"  [grey]note:[/] {note}");
    }

    public static void Step(string what) => AnsiConsole.MarkupLineInterpolated($"[blue]▸[/] {what}");

    static string Verdict(bool? met) => met switch { true => "met", false => "MISSED", null => "" };

    public void PrintTable(string title)
    {
        var table = new Table().Title(title).AddColumns("section", "measure", "value", "target", "");
        foreach (var f in figures)
            table.AddRow(Markup.Escape(f.Section), Markup.Escape(f.Measure), Markup.Escape(f.Value), Markup.Escape(f.Target),
                f.Met switch { true => "[green]met[/]", false => "[red]missed[/]", null => "" });
        AnsiConsole.Write(table);
        foreach (var note in notes)
            AnsiConsole.MarkupLineInterpolated($"[grey]note:[/] {note}");
    }

    public string Markdown(string title, string command, string machine)
    {
        var text = new StringBuilder();
        text.Append("## ").Append(title).Append("\n\n");
        text.Append("Command: `").Append(command).Append("`  \n");
        text.Append("Machine: ").Append(machine).Append("\n\n");
        text.Append("| section | measure | value | target | |\n|---|---|---|---|---|\n");
        foreach (var f in figures)
            text.Append(CultureInfo.InvariantCulture, $"| {f.Section} | {f.Measure} | {f.Value} | {f.Target} | {Verdict(f.Met)} |\n");
        foreach (var note in notes)
            text.Append("\n- ").Append(note);
        return text.Append('\n').ToString();
    }
}

/// <summary>How figures are written: rates with thousands separators, latencies in ms, medians with their spread.</summary>
public static class Format
{
    public static string Rate(double perSecond) => perSecond.ToString("N0", CultureInfo.InvariantCulture) + " msg/s";

    public static string Ms(double milliseconds) => double.IsNaN(milliseconds) ? "–" : milliseconds.ToString(milliseconds < 10 ? "0.00" : "0.0", CultureInfo.InvariantCulture) + " ms";

    public static string Bytes(double bytes) => bytes >= 1 << 30
        ? (bytes / (1 << 30)).ToString("0.00", CultureInfo.InvariantCulture) + " GiB"
        : bytes >= 1 << 20 ? (bytes / (1 << 20)).ToString("0", CultureInfo.InvariantCulture) + " MiB"
        : (bytes / 1024).ToString("0.0", CultureInfo.InvariantCulture) + " KiB";

    /// <summary>Three decimals, so that a ratio just under a target does not print as the target.</summary>
    public static string Ratio(double ratio) => ratio.ToString("0.000", CultureInfo.InvariantCulture);

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>"median (min–max, n runs)", or the single value.</summary>
    public static string Spread(IReadOnlyList<double> values, Func<double, string> format) => values.Count == 1
        ? format(values[0])
        : $"{format(Median(values))} ({format(values.Min())} – {format(values.Max())}, {values.Count} runs)";
}
