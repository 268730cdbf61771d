# gen-ext-corpus.py: the .BTF.ext cases of tests/data/malformed/MANIFEST.core, made from
# build/tests/data/core_sockops.bpf.o (python3 tests/data/gen-ext-corpus.py OBJ DIR > DIR/MANIFEST.core).
import struct, sys
src = open(sys.argv[1], 'rb').read()
out = sys.argv[2]
shoff, = struct.unpack_from('<Q', src, 0x28)
shentsize, shnum, shstrndx = struct.unpack_from('<HHH', src, 0x3a)
secs = []
for i in range(shnum):
    name, typ, flags, addr, off, size = struct.unpack_from('<IIQQQQ', src, shoff + i * shentsize)
    secs.append((name, off, size))
stroff = secs[shstrndx][1]
def sname(n):
    e = src.index(b'\0', stroff + n); return src[stroff + n:e].decode()
ext = [s for s in secs if sname(s[0]) == '.BTF.ext'][0]
E = ext[1]
magic, ver, flags, hdr = struct.unpack_from('<HBBI', src, E)
fo, fl, lo, ll, co, cl = struct.unpack_from('<6I', src, E + 8)
def mut(name, patches, expect):
    b = bytearray(src)
    for off, fmt, val in patches:
        struct.pack_into(fmt, b, off, val)
    open(f'{out}/{name}.o', 'wb').write(b)
    print(f'{name}.o\t{expect}')
core = E + hdr + co      # rec size
sec0 = core + 4          # first section entry
rec0 = sec0 + 8          # first record
line0 = E + hdr + lo + 4 + 8
fi = E + hdr + fo
mut('ext-bad-magic', [(E, '<H', 0x1234)], "section '.BTF.ext': bad magic, version or header length")
mut('ext-header-length-huge', [(E + 4, '<I', 0xffff)], "section '.BTF.ext': bad magic, version or header length")
mut('ext-header-length-short', [(E + 4, '<I', 8)], "section '.BTF.ext': bad magic, version or header length")
mut('ext-func-info-outside', [(E + 12, '<I', 0x7fffffff)], "section '.BTF.ext': func_info: outside the section")
mut('ext-func-info-record-size-4', [(fi, '<I', 4)], "section '.BTF.ext': func_info: record size out of range")
mut('ext-core-relo-kind-unknown', [(rec0 + 12, '<I', 99)], "section '.BTF.ext': core_relo: a record's type, string or kind is out of range")
mut('ext-core-relo-access-outside', [(rec0 + 8, '<I', 0xfffffff0)], "section '.BTF.ext': core_relo: a record's type, string or kind is out of range")
mut('ext-core-relo-type-id-outside', [(rec0 + 4, '<I', 0x7fffffff)], "section '.BTF.ext': core_relo: a record's type, string or kind is out of range")
mut('ext-core-relo-count-huge', [(sec0 + 4, '<I', 0x40000000)], "section '.BTF.ext': core_relo: records or section name beyond the part")
mut('ext-core-relo-section-name-outside', [(sec0, '<I', 0xffffff00)], "section '.BTF.ext': core_relo: records or section name beyond the part")
mut('ext-line-info-string-outside', [(line0 + 4, '<I', 0xffffff00)], "=ok")	# the kernel checks line_info
mut('ext-core-relo-insn-unaligned', [(rec0, '<I', 3)], "=ok")
mut('ext-core-relo-access-not-numbers', [(rec0 + 8, '<I', 1)], "=ok")
