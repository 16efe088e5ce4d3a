"""The window and what every tab shares: the application, the main window and its menus, first
start, undo, the record form, period picker, common dialogs."""
