"""A data file full of invented sample data (示例), in the shape of the programme's roster.

The Yiyuan shape follows 沂源县源教体发〔2022〕11号 附件1: 5 core kindergartens and 14 supported units (3, 3, 3,
3 and 2); each other profile has a small shape of its own model (高台 帮扶园 with rural and
private partners, a 集团 with its 成员单位, a 镇中心幼儿园 with village and private ones, a 1+1+N
alliance). Every name and number is made up; the kindergarten name, every record's note and the
``demo`` setting say 示例 so nobody mistakes it for real data.

Each demo also has its own "today" (setting ``demo_today``, read by ``Store.today``): the
records lie in a past school year, and the day sits inside it so 概览, the rules and scoring
show a term in progress next to closed periods — the diary holds nothing after that day.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from pathlib import Path

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.demo.shape import DemoSetup, load_demo
from gongtongti_desktop.core.profile import periods
from gongtongti_desktop.core.profile.programme import DEFAULT_PROGRAMME, Programme, get_programme
from gongtongti_desktop.core.records import home, roster

DEMO_NOTE = "示例数据"
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
_GIVEN = "玲芳静丽敏燕红霞娟英华慧梅琳雪婷颖洁晶倩欣悦雯蕾萍莉娜琴岚凤兰秀桂丹瑶宁佳昕彤明军伟强磊勇涛斌刚平辉超鹏"


# The shape a profile without a demo.toml gets (沂源 附件1's: 5 leads, 14 partners), written here
# so it does not depend on another profile's folder being installed (GONGTONGTI_FORMS may hold
# only the new one).
_FALLBACK_UNITS = (
    ("城关实验幼儿园", ("东岭镇学区", "西河镇学区", "石门镇学区")),
    ("城关第二实验幼儿园", ("北峪镇学区", "桃园镇学区", "青石镇学区")),
    ("城关第三实验幼儿园", ("新华路幼儿园", "南坪镇学区", "山前幼儿园")),
    ("城关第四实验幼儿园", ("河东街道学区", "柳林镇学区", "杏花镇学区")),
    ("城南幼儿园", ("城南街道学区", "松岭镇学区")),
)


def demo_setup(programme: Programme) -> DemoSetup:
    """The profile's demo (``forms/<profile>/demo.toml``); a profile without one gets the
    沂源 shape, with the partners spread over its roles, and 沂源's demo dates."""
    setup = load_demo(programme.folder, programme.roles.partners)
    if setup is not None:
        return setup
    roles = len(programme.roles.partners)
    shape = tuple(
        (lead, tuple((name, i % roles) for i, name in enumerate(partners)))
        for lead, partners in _FALLBACK_UNITS
    )
    return DemoSetup(shape, ("2022-07-01", "2024-12-31"), "2025-01-15", samples_from="2024-07-01")


class _Names:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()
        self.phones: set[str] = set()

    def person(self) -> str:
        while True:
            given = self.rng.choice(_GIVEN) + (
                self.rng.choice(_GIVEN) if self.rng.random() < 0.6 else ""
            )
            name = self.rng.choice(_SURNAMES) + given
            if name not in self.used:
                self.used.add(name)
                return name

    def phone(self) -> str:
        while True:
            phone = (
                self.rng.choice(["139", "158", "186", "135", "152"])
                + f"{self.rng.randrange(10**8):08d}"
            )
            if phone not in self.phones:
                self.phones.add(phone)
                return phone


def _kind(programme: Programme, name: str, role: str) -> str:
    """The kindergarten kind a made-up name suggests, within the profile's vocabulary."""
    if name.endswith("学区"):
        kind = "学区"
    elif "中心幼儿园" in name:
        kind = "乡镇中心园"
    elif "村" in name:
        kind = "村级园"
    elif "民办" in role or "民办" in name:
        kind = "民办园"
    elif "分园" in name:
        kind = "分园"
    else:
        kind = "公办园"
    return kind if kind in programme.kindergarten_kinds else ""


def _add_kindergarten(
    store: Store,
    programme: Programme,
    names: _Names,
    name: str,
    kind: str,
    post: str,
    township: str = "",
) -> tuple[str, str]:
    kg = roster.save_record(
        store,
        programme,
        "kindergarten",
        {"name": name, "kind": kind, "township": township, "note": DEMO_NOTE},
    )
    person = roster.save_record(
        store,
        programme,
        "person",
        {
            "name": names.person(),
            "post": post,
            "phone": names.phone(),
            "kindergarten_id": kg,
            "note": DEMO_NOTE,
        },
    )
    return kg, person


def _person(store: Store, programme: Programme, names: _Names, kg: str, post: str) -> str:
    return roster.save_record(
        store,
        programme,
        "person",
        {
            "name": names.person(),
            "post": post,
            "phone": names.phone(),
            "kindergarten_id": kg,
            "note": DEMO_NOTE,
        },
    )


def fill_demo(store: Store, programme: Programme, seed: int = 2022) -> None:
    """Fill an empty store with the programme's roster shape, in one transaction."""
    rng = random.Random(seed)
    names = _Names(rng)
    setup = demo_setup(programme)
    start, end = setup.pairing
    with store.atomic():
        for n, (lead_name, partners) in enumerate(setup.shape):
            township = setup.townships[n] if n < len(setup.townships) else ""
            lead, lead_person = _add_kindergarten(
                store, programme, names, lead_name, _kind(programme, lead_name, ""), "园长",
                township,
            )  # fmt: skip
            teachers = [_person(store, programme, names, lead, "骨干教师") for _ in range(2)]
            partner = lead
            for partner_name, role_index in partners:
                role = programme.roles.partners[role_index]
                kind = _kind(programme, partner_name, role)
                post = "学区负责人" if kind == "学区" else "园长"
                partner, partner_person = _add_kindergarten(
                    store, programme, names, partner_name, kind, post, township
                )
                roster.save_record(
                    store,
                    programme,
                    "pairing",
                    {
                        "lead_id": lead,
                        "partner_id": partner,
                        "partner_role": role,
                        "lead_person_id": lead_person,
                        "partner_person_id": partner_person,
                        "start_date": start,
                        "end_date": end,
                        "agreement_signed": start,
                        "agreement_filed": True,
                        "note": DEMO_NOTE,
                    },
                )
                mentee = _person(store, programme, names, partner, "教师")
                roster.save_record(
                    store,
                    programme,
                    "mentor_pair",
                    {
                        "mentor_id": rng.choice(teachers),
                        "mentee_id": mentee,
                        "start_date": start,
                        "end_date": end,
                        "note": DEMO_NOTE,
                    },
                )
                if setup.exchange_each_year:
                    _exchanges(store, programme, setup, lead, partner, rng.choice(teachers))
            if not setup.exchange_each_year:
                _exchanges(store, programme, setup, lead, partner, teachers[0])
        store.set_setting("demo", "1")
        store.set_setting("demo_today", setup.today)


def _exchanges(
    store: Store, programme: Programme, setup: DemoSetup, lead: str, partner: str, teacher: str
) -> None:
    """交流轮岗: a teacher of the lead to its last partner for the first school year; with
    ``exchange_each_year``, one each way in every school year of the pairing up to the demo's
    today (沂源 三（二）"双方每年至少各互派1名", C6 the same number back)."""
    start, end = (dt.date.fromisoformat(d) for d in setup.pairing)
    today = dt.date.fromisoformat(setup.today)
    cal = programme.calendar
    span = periods.Period("school_year", start, min(end, today), "")
    years = periods.periods_within(cal, "school_year", span)
    if not setup.exchange_each_year:  # the first September to the next July
        first = (f"{start.year}-09-01", f"{start.year + 1}-07-15")
        spans = [(teacher, lead, partner, *first)]
    else:
        visitor = next(
            p["id"] for p in roster.list_people(store) if p["kindergarten_id"] == partner
        )
        spans = [
            (person, a, b, max(year.start, start).isoformat(), min(year.end, end).isoformat())
            for year in years
            for person, a, b in ((teacher, lead, partner), (visitor, partner, lead))
        ]
    for person, a, b, first_day, last_day in spans:
        roster.save_record(
            store, programme, "staff_exchange",
            {"person_id": person, "from_id": a, "to_id": b, "start_date": first_day,
             "end_date": last_day, "note": DEMO_NOTE},
        )  # fmt: skip


def fill_records(store: Store, programme: Programme) -> None:
    """Plans, diary, rule samples, summaries and scores up to the demo's today."""
    from gongtongti_desktop.core.demo import diary as demo_diary
    from gongtongti_desktop.core.demo import scores as demo_scores
    from gongtongti_desktop.core.profile import periods

    setup = demo_setup(programme)
    today = dt.date.fromisoformat(setup.today)
    if setup.diary:
        first, last = (dt.date.fromisoformat(d) for d in setup.diary)
        span = periods.Period("school_year", first, last, "")
        demo_diary.fill_diary(
            store, programme, span, today, months=setup.plan_months, thin=setup.thin_months
        )
    demo_scores.fill_extras(store, programme, setup, today)
    _entered_on_time(store, programme)
    _late_entries(store, programme, setup)


def _entered_on_time(store: Store, programme: Programme) -> None:
    """Date each demo record as entered when it happened (the roster at the start of the
    pairings' first month, an activity on its day, a plan item at the start of its month, a
    summary at the end of its period), not on the day the demo was written: otherwise every
    record would be 逾期补录."""
    listed = demo_setup(programme).pairing[0][:7] + "-01T08:00:00"  # the roster: before it all
    with store.atomic():
        for table in ("kindergarten", "person", "pairing", "mentor_pair", "staff_exchange"):
            store.conn.execute(f"UPDATE {table} SET created_at = ?", (listed,))
        store.conn.execute(
            "UPDATE activity SET created_at = day || 'T20:00:00', updated_at = day || 'T20:00:00'"
        )
        store.conn.execute(
            "UPDATE plan_item SET created_at = month || '-01T08:00:00',"
            " updated_at = max(updated_at, month || '-01T08:00:00')"
        )
        rows = store.conn.execute("SELECT id, period FROM stage_summary").fetchall()
        for summary_id, key in rows:
            end = periods.period_from_key(programme.calendar, key).end.isoformat()
            store.conn.execute(  # not one written on an earlier day on purpose (a year's report)
                "UPDATE stage_summary SET created_at = ?, updated_at = ? WHERE id = ?"
                " AND created_at > ?",
                (f"{end}T18:00:00", f"{end}T18:00:00", summary_id, f"{end}T23:59:59"),
            )


def _late_entries(store: Store, programme: Programme, setup: DemoSetup) -> None:
    """The activities the demo enters late (逾期补录): one of 高台's October entered in November."""
    from gongtongti_desktop.core.demo import diary as demo_diary

    named = {k for r in programme.rules for k in r.kinds}  # a kind no narrow rule counts
    kind = next(
        (k for k in programme.activity_kinds if k not in named), programme.activity_kinds[0]
    )
    for day, entered in setup.late:
        act = demo_diary.add_activity(store, programme, kind, dt.date.fromisoformat(day))
        with store.atomic():
            store.conn.execute(
                "UPDATE activity SET created_at = ?, updated_at = ? WHERE id = ?",
                (f"{entered}T10:00:00", f"{entered}T10:00:00", act),
            )


def create_demo(path: Path, programme_id: str = DEFAULT_PROGRAMME) -> Store:
    """Write a new data file filled with 示例 data; refuses an existing path."""
    programme = get_programme(programme_id)
    lead = demo_setup(programme).shape[0][0]
    store = Store.create(
        Path(path), kindergarten=f"示例：{lead}（演示数据）", programme_id=programme.id
    )
    try:
        fill_demo(store, programme)
        fill_records(store, programme)
        # 本园 of the demo: its first core kindergarten (the file's name is "示例：…（演示数据）")
        first = store.query(
            "SELECT id FROM kindergarten WHERE name = ? AND deleted_at IS NULL", [lead]
        )
        if first:
            store.set_setting(home.HOME_SETTING, first[0]["id"])
    except BaseException:
        store.close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        shutil.rmtree(Path(path).parent / "attachments", ignore_errors=True)
        raise
    return store
