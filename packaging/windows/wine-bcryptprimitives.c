/* For the tests under Wine only, never shipped: Wine 8 (Debian 12) has no
 * bcryptprimitives.dll, where Rust's standard library takes its random numbers from on
 * Windows (ProcessPrng, Windows 10 and later). This stand-in gives the same bytes source as
 * older Rust did (RtlGenRandom, exported by advapi32 as SystemFunction036). scripts/windows.sh
 * builds it with MinGW and puts it beside catalyse.exe in the folder the tests run. */
#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
  while (len) {
    ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
    if (!SystemFunction036(data, n)) return FALSE;
    data += n; len -= n;
  }
  return TRUE;
}
