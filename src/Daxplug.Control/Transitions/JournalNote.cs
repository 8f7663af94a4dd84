namespace Daxplug.Control.Transitions;

/// <summary>What there is to know about a journal that is there (for "list" and "doctor"), and what to do about it.</summary>
public sealed record JournalNote(string What, string Fix);
