namespace Builder.Cache.Layers;

/// <summary>The typeflag byte of a POSIX ustar header (pax.html, "ustar Interchange Format").</summary>
internal enum TarEntryType : byte
{
    RegularFile = (byte)'0',
    HardLink = (byte)'1',
    SymbolicLink = (byte)'2',
    CharacterDevice = (byte)'3',
    BlockDevice = (byte)'4',
    Directory = (byte)'5',
    Fifo = (byte)'6',
}
