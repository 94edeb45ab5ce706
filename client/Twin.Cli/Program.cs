using System.CommandLine;
using System.CommandLine.Invocation;
using Twin.Cli;
using Twin.Cli.Commands;

var common = new CommonOptions();
var root = new RootCommand("twin: the operator's command line for a Twin community. It reads live twins, follows their changes, sends device commands, handles work orders, incidents, residents' feedback, polls and welfare checks and provisions entities through the silo's HTTP API; offline, it makes party tokens and an external broker's accounts; over MQTT, it plays the community's devices.")
{
    GetCommand.Create(common),
    ListCommand.Create(common),
    WatchCommand.Create(common),
    CommandCommand.Create(common),
    WorkOrdersCommand.Create(common),
    IncidentCommand.Create(common),
    FeedbackCommand.Create(common),
    PollsCommand.Create(common),
    NoticesCommand.Create(common),
    WelfareCommand.Create(common),
    ProvisionCommand.Create(common),
    TokenCommand.Create(common),
    BrokerConfigCommand.Create(common),
    SimulateCommand.Create(common),
};
common.AddTo(root);

var parse = root.Parse(args);
var exitCode = await parse.InvokeAsync();
// System.CommandLine reports its own parse errors with exit code 1; scripts get 2 for every usage error.
return parse.Action is ParseErrorAction ? ExitCodes.Usage : exitCode;
