"""Table models of the roster: one row per record as listed by core, one column per
``RecordType.columns`` entry. Data in (``set_rows``), rows out (``record_id``), no widgets."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.programme import Programme
from gongtongti_desktop.core.records import roster
from gongtongti_desktop.ui.shell.labels import RoleLabels

ID_ROLE = Qt.ItemDataRole.UserRole + 1
_Index = QModelIndex | QPersistentModelIndex


def _display(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, int | float):
        return value
    text = str(value)
    # A table cell shows one line; the tooltip has the whole text.
    return " ".join(text.split()) if "\n" in text else text


class RecordTableModel(QAbstractTableModel):
    """The active records of one roster table, columns as core declares them."""

    def __init__(self, table: str, labels: RoleLabels | None = None, parent=None) -> None:
        super().__init__(parent)
        self.table = table
        self.record_type = roster.RECORD_TYPES[table]
        self.columns = self.record_type.columns
        self.headers = [
            labels.relabel(c.label) if labels else c.label for c in self.record_type.columns
        ]
        self._rows: list[dict[str, Any]] = []

    # -- data in / rows out ---------------------------------------------------------------

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def load(self, store: Store, programme: Programme) -> None:
        self.set_rows(roster.list_records(store, programme, self.table))

    def record(self, row: int) -> dict[str, Any]:
        return self._rows[row]

    def record_id(self, row: int) -> str:
        return self._rows[row]["id"]

    def row_of(self, record_id: str) -> int:
        for i, row in enumerate(self._rows):
            if row["id"] == record_id:
                return i
        return -1

    # -- Qt interface ----------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        value = row.get(self.columns[index.column()].key)
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(value)
        if role == Qt.ItemDataRole.ToolTipRole:
            text = "" if value is None else str(value)
            return text if len(text) > 20 or "\n" in text else None
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(value, int):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ID_ROLE:
            return row["id"]
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(self.headers):
                return self.headers[section]
            return None
        return section + 1 if 0 <= section < len(self._rows) else None
