"""The diary list as a lazy Qt table model: it holds only the row numbers of the matching
activities (``diary.search_rowids``, newest first) and fetches display rows a page at a time
(``diary.rows_by_rowid``) when the view asks for them, keeping the last pages in a small cache.

The row count is the length of that list, so the scroll bar is true from the start and "go to
the end" fetches the last page only (instead of every page on the way, as ``fetchMore``
would): 100 000 activities cost a list of integers (under 4 MB; uuid strings would be 9 MB
and ~5 ms slower to fetch) and the pages on screen. The uuid of a row comes with its page.
After an edit the cache is dropped (``reload``), the list stays. Data in, rows out, no widgets.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.records import catalog, diary

_Index = QModelIndex | QPersistentModelIndex
ID_ROLE = Qt.ItemDataRole.UserRole + 1
PAGE_SIZE = 200
MAX_PAGES = 40  # pages kept in memory (8 000 rows)
GONE = {"title": "（此活动已删除）"}
_CENTRED = {"headcount", "attachments", "mode", "time", "day"}


def _one_line(value: Any) -> str:
    return " ".join(str(value).split()) if value not in (None, "") else ""


class DiaryModel(QAbstractTableModel):
    def __init__(
        self,
        store: Store,
        parent=None,
        page_size: int = PAGE_SIZE,
        max_pages: int = MAX_PAGES,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.page_size = page_size
        self.max_pages = max_pages
        self.columns = catalog.record_type("activity").columns
        self.keys = [c.key for c in self.columns]
        self._rowids: list[int] = []
        self._pages: OrderedDict[int, dict[int, dict[str, Any]]] = OrderedDict()
        self.pages_fetched = 0  # how many pages were read from the data file (tests, bench)
        # The tab's PhotoMarks (ui/diary/photo_marks.py): the 附件 column shows ⚠/✓ by them.
        self.marks: Any = None

    # -- data in / rows out ---------------------------------------------------------------

    def set_rowids(self, rowids: list[int]) -> None:
        """A new result list (a search or filter): the view starts over."""
        self.beginResetModel()
        self._rowids = list(rowids)
        self._pages.clear()
        self.endResetModel()

    def reload(self) -> None:
        """Rows changed but the list did not (an edit): drop the cache, repaint."""
        self._pages.clear()
        if self._rowids:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._rowids) - 1, len(self.columns) - 1)
            )

    def record_id(self, row: int) -> str | None:
        """The uuid of a row (None when the activity is gone since the list was made)."""
        return self.row_data(row).get("id")

    def row_of(self, record_id: str) -> int:
        """The row of an activity, -1 when it is not in the list. A linear search of the
        integers (about 1 ms for 100 000): cheaper than a position table, which would cost
        more to build than the few look-ups a list gets (a selection kept, an activity shown)."""
        rowid = diary.rowid_of(self.store, record_id)
        if rowid is None:
            return -1
        try:
            return self._rowids.index(rowid)
        except ValueError:
            return -1

    def row_data(self, row: int) -> dict[str, Any]:
        """The display row (fetching its page when not cached)."""
        number = row // self.page_size
        page = self._pages.get(number)
        if page is None:
            page = self._fetch(number)
        else:
            self._pages.move_to_end(number)
        return page.get(self._rowids[row], GONE)

    def cached_pages(self) -> list[int]:
        return list(self._pages)

    def _fetch(self, number: int) -> dict[int, dict[str, Any]]:
        start = number * self.page_size
        rowids = self._rowids[start : start + self.page_size]
        page = {row["rowid"]: row for row in diary.rows_by_rowid(self.store, rowids)}
        self.pages_fetched += 1
        self._pages[number] = page
        while len(self._pages) > self.max_pages:
            self._pages.popitem(last=False)
        return page

    # -- Qt interface ----------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rowids)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rowids):
            return None
        if role == ID_ROLE:
            return self.record_id(index.row())
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.TextAlignmentRole,
            Qt.ItemDataRole.ForegroundRole,
            Qt.ItemDataRole.DecorationRole,
        ):
            return None
        key = self.keys[index.column()]
        if role == Qt.ItemDataRole.DecorationRole:
            return self._photo_icon(index.row()) if key == "title" else None
        if (
            key == "attachments"
            and self.marks is not None
            and role != Qt.ItemDataRole.TextAlignmentRole
        ):
            return self._photo_data(index.row(), role)
        if role == Qt.ItemDataRole.ForegroundRole:
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if key in _CENTRED:
                return int(Qt.AlignmentFlag.AlignCenter)
            return None
        row = self.row_data(index.row())
        value = row.get(key)
        if role == Qt.ItemDataRole.DisplayRole:
            if key in ("headcount", "attachments"):
                return str(value) if value else ""
            return _one_line(value)
        text = _one_line(value)
        if key == "title" and self.marks is not None and self.marks.tooltip(row.get("id") or ""):
            return f"{text}\n{self.marks.tooltip(row['id'])}"
        if key in ("title", "receivers", "planned") and text:
            return f"对应计划：{text}" if key == "planned" else text
        return None

    def _photo_icon(self, row: int) -> Any:
        """A warning sign before the title of an activity with an unanswered photo flag, an
        information sign when every flag is answered: visible however narrow the window (the
        附件 column may be scrolled out of sight)."""
        if self.marks is None:
            return None
        activity_id = self.row_data(row).get("id")
        mark = self.marks.mark(activity_id) if activity_id else ""
        if not mark:
            return None
        from PySide6.QtWidgets import QApplication, QStyle

        pixmap = (
            QStyle.StandardPixmap.SP_MessageBoxWarning
            if mark == "⚠"
            else QStyle.StandardPixmap.SP_MessageBoxInformation
        )
        return QApplication.style().standardIcon(pixmap)

    def _photo_data(self, row: int, role: int) -> Any:
        """The 附件 column with the photo mark: "2 ⚠" (a flag unanswered) or "2 ✓"."""
        data = self.row_data(row)
        activity_id = data.get("id") or ""
        mark = self.marks.mark(activity_id) if activity_id else ""
        if role == Qt.ItemDataRole.DisplayRole:
            count = str(data.get("attachments") or "")
            return f"{count} {mark}".strip()
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.marks.tooltip(activity_id) or None
        if mark == "⚠":
            return QColor("#b45309")
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.columns[section].label if 0 <= section < len(self.columns) else None
        return section + 1 if 0 <= section < len(self._rowids) else None
