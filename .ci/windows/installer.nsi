; 共同体工作台 installer for Windows 10/11 x64, built on Debian by .ci/windows/build.py:
;   makensis -INPUTCHARSET UTF8 -DVERSION=… -DAPPDIR=… -DOUTFILE=… -DICON=… installer.nsi
; Per user, no administrator rights: %LOCALAPPDATA%\Programs\共同体工作台, shortcuts in the
; Start menu and on the desktop, .gtdb and .gtt opened by gongtongti.exe (HKCU\Software\Classes).
; The uninstaller removes the program only: the director's data (文档\共同体工作台) stays.

; a 64-bit installer for a 64-bit program (so it also runs under wine64 in CI)
Target amd64-unicode
ManifestDPIAware true
SetCompressor /SOLID lzma
RequestExecutionLevel user

!include "MUI2.nsh"
!include "WinVer.nsh"
!include "x64.nsh"
!include "LogicLib.nsh"

!define APPNAME "共同体工作台"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\gongtongti-desktop"
!define DATAKEY "Gongtongti.DataFile"
!define PACKAGEKEY "Gongtongti.Package"

Name "${APPNAME} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APPNAME}"
InstallDirRegKey HKCU "${UNINSTKEY}" "InstallLocation"
BrandingText "${APPNAME} ${VERSION}"
VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=2052 "ProductName" "${APPNAME}"
VIAddVersionKey /LANG=2052 "FileDescription" "${APPNAME} 安装程序"
VIAddVersionKey /LANG=2052 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "LegalCopyright" "MIT"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_WELCOMEPAGE_TEXT "将在本机为当前用户安装 ${APPNAME} ${VERSION}，不需要管理员权限。$\r$\n$\r$\n数据文件保存在“文档\${APPNAME}”文件夹中（附件和备份也在其中），卸载程序时不会删除。$\r$\n$\r$\n点击“下一步”继续。"
!define MUI_FINISHPAGE_RUN "$INSTDIR\gongtongti.exe"
!define MUI_FINISHPAGE_RUN_TEXT "现在打开 ${APPNAME}"
!define MUI_UNCONFIRMPAGE_TEXT_TOP "将从本机删除 ${APPNAME} 程序。您的数据文件（文档\${APPNAME}）、附件和备份不会被删除。"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "SimpChinese"

Function .onInit
  ${IfNot} ${AtLeastWin10}
    MessageBox MB_OK|MB_ICONINFORMATION "抱歉，${APPNAME} 需要 Windows 10 或 Windows 11（64 位）。$\r$\n$\r$\n这台电脑的 Windows 版本较旧，程序所用的 Python 和 Qt 无法在上面运行。请在 Windows 10 或 11 的电脑上安装。" /SD IDOK
    Abort
  ${EndIf}
  ${IfNot} ${RunningX64}
    MessageBox MB_OK|MB_ICONINFORMATION "抱歉，${APPNAME} 需要 64 位的 Windows 10 或 Windows 11。这台电脑是 32 位系统。" /SD IDOK
    Abort
  ${EndIf}
FunctionEnd

!macro RegisterType EXT KEY DESCRIPTION
  WriteRegStr HKCU "Software\Classes\${EXT}" "" "${KEY}"
  WriteRegStr HKCU "Software\Classes\${KEY}" "" "${DESCRIPTION}"
  WriteRegStr HKCU "Software\Classes\${KEY}\DefaultIcon" "" "$INSTDIR\gongtongti.exe,0"
  WriteRegStr HKCU "Software\Classes\${KEY}\shell\open\command" "" '"$INSTDIR\gongtongti.exe" "%1"'
!macroend

!macro UnregisterType EXT KEY
  ReadRegStr $0 HKCU "Software\Classes\${EXT}" ""
  ${If} $0 == "${KEY}"
    DeleteRegKey HKCU "Software\Classes\${EXT}"
  ${EndIf}
  DeleteRegKey HKCU "Software\Classes\${KEY}"
!macroend

Section "Install"
  SetShellVarContext current
  ; an earlier version's runtime is replaced whole, so no stale module stays behind
  RMDir /r "$INSTDIR\runtime"
  SetOutPath "$INSTDIR"
  File /r "${APPDIR}/*.*"
  WriteUninstaller "$INSTDIR\卸载.exe"

  CreateShortcut "$SMPROGRAMS\${APPNAME}.lnk" "$INSTDIR\gongtongti.exe" "" "$INSTDIR\gongtongti.exe" 0
  CreateShortcut "$DESKTOP\${APPNAME}.lnk" "$INSTDIR\gongtongti.exe" "" "$INSTDIR\gongtongti.exe" 0

  !insertmacro RegisterType ".gtdb" "${DATAKEY}" "共同体工作台数据文件"
  !insertmacro RegisterType ".gtt" "${PACKAGEKEY}" "共同体工作台上报数据包"
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'

  WriteRegStr HKCU "${UNINSTKEY}" "DisplayName" "${APPNAME}"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\gongtongti.exe,0"
  WriteRegStr HKCU "${UNINSTKEY}" "Publisher" "共同体工作台"
  WriteRegStr HKCU "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTKEY}" "UninstallString" '"$INSTDIR\卸载.exe"'
  WriteRegStr HKCU "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\卸载.exe" /S'
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoRepair" 1
SectionEnd

Section "Uninstall"
  SetShellVarContext current
  Delete "$SMPROGRAMS\${APPNAME}.lnk"
  Delete "$DESKTOP\${APPNAME}.lnk"
  !insertmacro UnregisterType ".gtdb" "${DATAKEY}"
  !insertmacro UnregisterType ".gtt" "${PACKAGEKEY}"
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
  DeleteRegKey HKCU "${UNINSTKEY}"
  ; the program's own files only; data files live in Documents and are never touched here
  RMDir /r "$INSTDIR\runtime"
  Delete "$INSTDIR\gongtongti.exe"
  Delete "$INSTDIR\gongtongti-cli.exe"
  Delete "$INSTDIR\卸载.exe"
  RMDir "$INSTDIR"
SectionEnd
