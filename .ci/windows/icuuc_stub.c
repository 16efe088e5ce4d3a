/* A stand-in icuuc.dll for running the Windows build under Wine in CI only; it is never
 * shipped. Qt >= 6.8's Qt6Core.dll imports twenty ucnv_* functions from Windows 10's system
 * ICU (C:\Windows\System32\icuuc.dll), which Wine 8 does not have, so without this
 * `import PySide6.QtCore` fails to load there. Here every converter is "not available"
 * (ucnv_open fails, none are listed): Qt then uses its own UTF-8/UTF-16/Latin-1 codecs,
 * which are all the program uses. Built with mingw-w64 by .ci/windows/build.py. */
#include <stddef.h>
#include <stdint.h>

#define EXPORT __declspec(dllexport)
typedef int UErrorCode;
typedef uint16_t UChar;
#define U_FILE_ACCESS_ERROR 4

static int failed(UErrorCode *err) {
    if (err != NULL && *err <= 0) *err = U_FILE_ACCESS_ERROR;
    return 0;
}

EXPORT void *ucnv_open(const char *name, UErrorCode *err) { (void)name; failed(err); return NULL; }
EXPORT void ucnv_close(void *c) { (void)c; }
EXPORT void ucnv_reset(void *c) { (void)c; }
EXPORT int8_t ucnv_getMaxCharSize(const void *c) { (void)c; return 1; }
EXPORT const char *ucnv_getName(const void *c, UErrorCode *err) { (void)c; failed(err); return NULL; }
EXPORT void ucnv_getToUCallBack(const void *c, void **a, const void **b) { (void)c; if (a) *a = NULL; if (b) *b = NULL; }
EXPORT void ucnv_getFromUCallBack(const void *c, void **a, const void **b) { (void)c; if (a) *a = NULL; if (b) *b = NULL; }
EXPORT void ucnv_setToUCallBack(void *c, void *n, const void *ctx, void **o, const void **octx, UErrorCode *err) {
    (void)c; (void)n; (void)ctx; (void)o; (void)octx; failed(err);
}
EXPORT void ucnv_setFromUCallBack(void *c, void *n, const void *ctx, void **o, const void **octx, UErrorCode *err) {
    (void)c; (void)n; (void)ctx; (void)o; (void)octx; failed(err);
}
EXPORT void ucnv_cbToUWriteUChars(void *a, const UChar *s, int32_t n, int32_t o, UErrorCode *err) {
    (void)a; (void)s; (void)n; (void)o; failed(err);
}
EXPORT void ucnv_cbFromUWriteUChars(void *a, const UChar **s, const UChar *l, int32_t o, UErrorCode *err) {
    (void)a; (void)s; (void)l; (void)o; failed(err);
}
EXPORT void ucnv_toUnicode(void *c, UChar **t, const UChar *tl, const char **s, const char *sl, int32_t *o, int8_t f, UErrorCode *err) {
    (void)c; (void)t; (void)tl; (void)s; (void)sl; (void)o; (void)f; failed(err);
}
EXPORT void ucnv_fromUnicode(void *c, char **t, const char *tl, const UChar **s, const UChar *sl, int32_t *o, int8_t f, UErrorCode *err) {
    (void)c; (void)t; (void)tl; (void)s; (void)sl; (void)o; (void)f; failed(err);
}
EXPORT int32_t ucnv_toUCountPending(const void *c, UErrorCode *err) { (void)c; return failed(err); }
EXPORT int32_t ucnv_fromUCountPending(const void *c, UErrorCode *err) { (void)c; return failed(err); }
EXPORT const char *ucnv_getStandardName(const char *n, const char *s, UErrorCode *err) { (void)n; (void)s; failed(err); return NULL; }
EXPORT const char *ucnv_getAvailableName(int32_t n) { (void)n; return NULL; }
EXPORT int32_t ucnv_countAvailable(void) { return 0; }
EXPORT void UCNV_FROM_U_CALLBACK_SUBSTITUTE(const void *a, void *b, const UChar *c, int32_t d, int32_t e, int f, UErrorCode *err) {
    (void)a; (void)b; (void)c; (void)d; (void)e; (void)f; failed(err);
}
EXPORT void UCNV_TO_U_CALLBACK_SUBSTITUTE(const void *a, void *b, const char *c, int32_t d, int f, UErrorCode *err) {
    (void)a; (void)b; (void)c; (void)d; (void)f; failed(err);
}
