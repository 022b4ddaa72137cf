using Microsoft.Extensions.Options;

namespace Libvirt.Capabilities.Exporter.Options;

// Source-generated from the data annotations: no reflection at run time, safe for Native AOT.

[OptionsValidator]
public sealed partial class WebOptionsValidator : IValidateOptions<WebOptions>;

[OptionsValidator]
public sealed partial class PollOptionsValidator : IValidateOptions<PollOptions>;

[OptionsValidator]
public sealed partial class StateOptionsValidator : IValidateOptions<StateOptions>;
