/*
 * bcryptprimitives.dll for Wine 8.0, which lacks it: Go 1.22 and later
 * get their random numbers from ProcessPrng there, and a Go program stops
 * at start-up without it. Windows 10 and 11 have the real DLL; this one
 * only lets the Windows build be smoke-tested under Wine.
 *
 *   x86_64-w64-mingw32-gcc -shared -O2 -o bcryptprimitives.dll \
 *     processprng.c processprng.def -ladvapi32
 */
#include <windows.h>

/* RtlGenRandom, exported by advapi32 under this name. */
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	/* RtlGenRandom takes a ULONG length; Go asks for small buffers, but
	 * a larger request is filled in pieces rather than truncated. */
	while (len > 0) {
		ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		len -= n;
	}
	return TRUE;
}
