/* The two launchers of the Windows build: gongtongti.exe (window, no console) and
 * gongtongti-cli.exe (console). Each loads the embeddable CPython from runtime\ beside itself
 * and runs gongtongti_desktop.cli.main() in the same process, with the command-line arguments
 * as given (a double-clicked .gtdb/.gtt arrives as the first one).
 *
 * sys.frozen is set, so the 汇总's worker processes ("spawn") start this same .exe with
 * --multiprocessing-fork, which cli.main() hands to multiprocessing.freeze_support().
 * Built on Debian with mingw-w64 by .ci/windows/build.py (-DWINDOWED for gongtongti.exe). */
#define WIN32_LEAN_AND_MEAN
#include <windows.h>
#include <shellapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#ifndef PYTHON_DLL
#define PYTHON_DLL L"python313.dll"
#endif

typedef int(__cdecl *py_main_t)(int, wchar_t **);

static const wchar_t BOOT[] =
    L"import sys; sys.frozen = True; "
    L"from gongtongti_desktop.cli import main; sys.exit(main())";

static void fail(const wchar_t *message) {
#ifdef WINDOWED
    MessageBoxW(NULL, message, L"共同体工作台", MB_OK | MB_ICONERROR);
#else
    HANDLE err = GetStdHandle(STD_ERROR_HANDLE);
    DWORD written = 0;
    if (err != NULL && err != INVALID_HANDLE_VALUE) {
        if (!WriteConsoleW(err, message, (DWORD)wcslen(message), &written, NULL)) {
            char buffer[2048];
            int n = WideCharToMultiByte(CP_UTF8, 0, message, -1, buffer, sizeof buffer, NULL, NULL);
            if (n > 1) WriteFile(err, buffer, (DWORD)(n - 1), &written, NULL);
        } else {
            WriteConsoleW(err, L"\n", 1, &written, NULL);
        }
    }
#endif
}

int wmain_impl(void) {
    wchar_t here[MAX_PATH * 4];
    DWORD n = GetModuleFileNameW(NULL, here, MAX_PATH * 4);
    if (n == 0 || n >= MAX_PATH * 4) {
        fail(L"错误：无法确定程序所在的文件夹。");
        return 2;
    }
    wchar_t *slash = wcsrchr(here, L'\\');
    if (slash != NULL) *slash = L'\0';

    wchar_t runtime[MAX_PATH * 4 + 32];
    swprintf(runtime, sizeof runtime / sizeof runtime[0], L"%ls\\runtime", here);
    wchar_t dll[MAX_PATH * 4 + 64];
    swprintf(dll, sizeof dll / sizeof dll[0], L"%ls\\%ls", runtime, PYTHON_DLL);

    SetDllDirectoryW(runtime);
    HMODULE python = LoadLibraryExW(dll, NULL, LOAD_WITH_ALTERED_SEARCH_PATH);
    if (python == NULL) {
        wchar_t message[MAX_PATH * 4 + 256];
        swprintf(message, sizeof message / sizeof message[0],
                 L"错误：找不到程序的运行环境 %ls（错误代码 %lu）。请重新解压或重新安装共同体工作台。",
                 dll, (unsigned long)GetLastError());
        fail(message);
        return 2;
    }
    py_main_t py_main = (py_main_t)(void *)GetProcAddress(python, "Py_Main");
    if (py_main == NULL) {
        fail(L"错误：程序的运行环境已损坏（缺少 Py_Main）。请重新安装共同体工作台。");
        return 2;
    }

    int argc = 0;
    wchar_t **argv = CommandLineToArgvW(GetCommandLineW(), &argc);
    if (argv == NULL) {
        fail(L"错误：无法读取命令行参数。");
        return 2;
    }
    wchar_t **args = (wchar_t **)calloc((size_t)argc + 4, sizeof(wchar_t *));
    if (args == NULL) return 2;
    int k = 0;
    args[k++] = argv[0];
    args[k++] = L"-c";
    args[k++] = (wchar_t *)BOOT;
    for (int i = 1; i < argc; i++) args[k++] = argv[i];
    args[k] = NULL;
    return py_main(k, args);
}

#ifdef WINDOWED
int WINAPI wWinMain(HINSTANCE instance, HINSTANCE previous, PWSTR command_line, int show) {
    (void)instance; (void)previous; (void)command_line; (void)show;
    return wmain_impl();
}
#else
int wmain(void) { return wmain_impl(); }
#endif
