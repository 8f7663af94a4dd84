namespace Daxplug.Control.Doctor;

/// <summary>How much a finding matters: a competing controller, or something worth knowing.</summary>
public enum Severity
{
    Info,
    Warning,
}

/// <summary>One thing doctor found: where, what, why it matters and how to fix it.</summary>
public sealed record Finding(Severity Severity, string Where, string What, string Why, string Fix);
