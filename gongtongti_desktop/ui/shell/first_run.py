"""First-run setup: the kindergarten's name, the programme, and an empty or a demo data file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.programme import (
    DEFAULT_PROGRAMME,
    Programme,
    available_programmes,
    get_programme,
)
from gongtongti_desktop.core.records import home, validation
from gongtongti_desktop.errors import UserError
from gongtongti_desktop.ui.shell.common import muted, show_error
from gongtongti_desktop.ui.shell.field_editors import ERROR_STYLE


class FirstRunDialog(QDialog):
    """Asks what the new data file at ``path`` should be, then creates it on 确定.

    After ``accept`` the open ``store`` and its ``programme`` are available.
    """

    def __init__(self, path: Path, parent: QWidget | None = None, *, first_run: bool = True):
        super().__init__(parent)
        self.path = Path(path)
        self.store: Store | None = None
        self.programme: Programme | None = None
        self.setWindowTitle("欢迎使用共同体工作台" if first_run else "新建数据文件")
        self.setMinimumWidth(480)

        intro = QLabel(
            "第一次使用，请先建立本园的数据文件。所有数据都保存在这台电脑上，不联网。"
            if first_run
            else "新建一个数据文件。"
        )
        intro.setWordWrap(True)
        where = QLabel(f"数据文件：{self.path}")
        where.setWordWrap(True)
        muted(where)

        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("例如：东岭镇中心幼儿园")
        self.name_error = QLabel()
        self.name_error.setStyleSheet(ERROR_STYLE)
        self.name_error.hide()
        name_cell = QWidget()
        name_box = QVBoxLayout(name_cell)
        name_box.setContentsMargins(0, 0, 0, 0)
        name_box.setSpacing(2)
        name_box.addWidget(self.name_edit)
        name_box.addWidget(self.name_error)

        self.programme_combo = QComboBox()
        for programme_id in available_programmes():
            programme = get_programme(programme_id)
            self.programme_combo.addItem(programme.name, programme.id)
        default = self.programme_combo.findData(DEFAULT_PROGRAMME)
        self.programme_combo.setCurrentIndex(max(default, 0))

        self.blank_radio = QRadioButton("新建空白数据文件")
        self.demo_radio = QRadioButton("使用示例数据（演示）")
        self.blank_radio.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.blank_radio)
        group.addButton(self.demo_radio)
        self.demo_note = QLabel("示例数据全部是虚构的，使用虚构的园名，仅用于熟悉程序。")
        self.demo_note.setWordWrap(True)
        muted(self.demo_note)
        self.demo_radio.toggled.connect(self._demo_toggled)

        form = QFormLayout()
        form.addRow("幼儿园名称 *：", name_cell)
        form.addRow("方案：", self.programme_combo)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.blank_radio)
        layout.addWidget(self.demo_radio)
        layout.addWidget(self.demo_note)
        layout.addWidget(where)
        layout.addWidget(self.buttons)
        self._demo_toggled(False)

    def _demo_toggled(self, demo: bool) -> None:
        self.name_edit.setEnabled(not demo)
        self.demo_note.setVisible(demo)
        if demo:
            self.name_error.hide()

    @property
    def programme_id(self) -> str:
        return str(self.programme_combo.currentData())

    def accept(self) -> None:
        try:
            if self.demo_radio.isChecked():
                from gongtongti_desktop.core.demo.builder import create_demo

                store = create_demo(self.path, self.programme_id)
            else:
                try:
                    name = validation.clean_name(self.name_edit.text(), "幼儿园名称")
                except ValueError as exc:
                    self.name_error.setText(str(exc))
                    self.name_error.show()
                    self.name_edit.setFocus()
                    return
                store = Store.create(self.path, kindergarten=name, programme_id=self.programme_id)
                try:
                    home.ensure_home(store, get_programme(store.programme_id))
                except BaseException:
                    store.close()
                    raise
            try:
                self.programme = get_programme(store.programme_id)
            except BaseException:
                store.close()
                raise
        except UserError as exc:
            show_error(self, exc)
            return
        except OSError as exc:
            show_error(self, exc)
            return
        self.store = store
        super().accept()
