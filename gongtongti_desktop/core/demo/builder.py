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
from dataclasses import dataclass
from pathlib import Path

from gongtongti_desktop.core.datafile.store import Store
from gongtongti_desktop.core.profile.programme import DEFAULT_PROGRAMME, Programme, get_programme
from gongtongti_desktop.core.records import home, roster

DEMO_NOTE = "示例数据"
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
_GIVEN = "玲芳静丽敏燕红霞娟英华慧梅琳雪婷颖洁晶倩欣悦雯蕾萍莉娜琴岚凤兰秀桂丹瑶宁佳昕彤明军伟强磊勇涛斌刚平辉超鹏"

Shape = tuple[tuple[str, tuple[tuple[str, int], ...]], ...]  # (lead, ((partner, role index), …))


def _shape(*units: tuple[str, list[str], list[str]]) -> Shape:
    """(lead, partners of the first role, partners of the second role) → Shape."""
    return tuple(
        (lead, tuple((p, 0) for p in first) + tuple((p, 1) for p in second))
        for lead, first, second in units
    )


@dataclass(frozen=True)
class DemoSetup:
    """What one profile's demo holds. Dates are ISO days."""

    shape: Shape
    pairing: tuple[str, str]  # start and end of every pairing
    today: str  # the demo's own today (setting demo_today)
    diary: tuple[str, str] | None = None  # plan rows and random diary: first and last day
    plan_months: tuple[int, ...] = ()  # months that get plans and activities (empty: all)
    thin_months: tuple[str, ...] = ()  # "YYYY-MM": months the helper fell behind (2 activities)
    samples_from: str = ""  # rule samples (demo_diary.fill_rule_samples) from this day to today


_SETUPS: dict[str, DemoSetup] = {
    "yiyuan-2022": DemoSetup(
        shape=_shape(
            ("城关实验幼儿园", ["东岭镇学区", "西河镇学区", "石门镇学区"], []),
            ("城关第二实验幼儿园", ["北峪镇学区", "桃园镇学区", "青石镇学区"], []),
            ("城关第三实验幼儿园", ["新华路幼儿园", "南坪镇学区", "山前幼儿园"], []),
            ("城关第四实验幼儿园", ["河东街道学区", "柳林镇学区", "杏花镇学区"], []),
            ("城南幼儿园", ["城南街道学区", "松岭镇学区"], []),
        ),
        pairing=("2022-07-01", "2024-12-31"),
        today="2025-01-15",
        diary=("2024-07-01", "2025-06-30"),
    ),
    "gaotai-2020": DemoSetup(
        shape=_shape(
            ("第一示范幼儿园", ["东坝镇中心幼儿园"], ["彩虹民办幼儿园"]),
            ("阳光幼儿园", ["北泉镇中心幼儿园", "南城镇中心幼儿园"], ["小太阳幼儿园"]),
            ("东苑示范幼儿园", ["清水镇中心幼儿园", "宣河镇中心幼儿园"], ["金苗幼儿园"]),
            ("南苑示范幼儿园", ["驼城镇中心幼儿园", "巷口镇中心幼儿园"], ["七彩幼儿园"]),
            ("西苑示范幼儿园", ["合河镇中心幼儿园"], ["启智幼儿园"]),
        ),
        pairing=("2020-03-01", "2021-01-31"),
        today="2020-11-16",
        # The notice's plan table (附件3) covers 三至六月、九至十二月: the summer is a holiday.
        diary=("2020-03-01", "2021-08-31"),
        plan_months=(3, 4, 5, 6, 9, 10, 11, 12),
        thin_months=("2020-10",),
        samples_from="2020-03-01",
    ),
    "qingdao-xihaian-group": DemoSetup(
        shape=_shape(
            ("海湾路幼儿园", ["海湾路幼儿园东岸分园", "石岭社区幼儿园", "金沙民办幼儿园"], []),
            ("长河路幼儿园", ["长河路幼儿园北苑分园", "柳湾村幼儿园"], []),
        ),
        pairing=("2022-07-01", "2025-06-30"),
        today="2025-01-15",
        samples_from="2024-02-01",
    ),
    "gaozhuang-town-group": DemoSetup(
        shape=_shape(
            (
                "青峰镇中心幼儿园",
                ["东庄村幼儿园", "西岭村幼儿园", "南河村幼儿园", "北坡村幼儿园"],
                ["小燕子民办幼儿园", "启明星民办幼儿园"],
            ),
        ),
        pairing=("2023-09-01", "2026-07-31"),
        today="2025-01-15",
        samples_from="2024-02-01",
    ),
    "qingshanhu-1plus1plusn": DemoSetup(
        shape=_shape(
            (
                "湖滨示范幼儿园",
                ["塘口镇中心幼儿园"],
                ["小天鹅幼儿园", "贝贝佳幼儿园", "童心幼儿园"],
            ),
            ("青云示范幼儿园", ["罗湾镇中心幼儿园"], ["七色花幼儿园", "阳光宝贝幼儿园"]),
        ),
        pairing=("2023-09-01", "2026-07-31"),
        today="2025-01-15",
        samples_from="2024-02-01",
    ),
}


def demo_setup(programme: Programme) -> DemoSetup:
    """The profile's demo; a profile without one gets the Yiyuan shape and its dates, with the
    partners spread over its roles."""
    if programme.id in _SETUPS:
        return _SETUPS[programme.id]
    base = _SETUPS[DEFAULT_PROGRAMME]
    roles = len(programme.roles.partners)
    shape = tuple(
        (lead, tuple((name, i % roles) for i, (name, _) in enumerate(partners)))
        for lead, partners in base.shape
    )
    return DemoSetup(shape, base.pairing, base.today, samples_from="2024-07-01")


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
    store: Store, programme: Programme, names: _Names, name: str, kind: str, post: str
) -> tuple[str, str]:
    kg = roster.save_record(
        store, programme, "kindergarten", {"name": name, "kind": kind, "note": DEMO_NOTE}
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
        for lead_name, partners in setup.shape:
            lead, lead_person = _add_kindergarten(
                store, programme, names, lead_name, _kind(programme, lead_name, ""), "园长"
            )
            teachers = [_person(store, programme, names, lead, "骨干教师") for _ in range(2)]
            partner = lead
            for partner_name, role_index in partners:
                role = programme.roles.partners[role_index]
                kind = _kind(programme, partner_name, role)
                post = "学区负责人" if kind == "学区" else "园长"
                partner, partner_person = _add_kindergarten(
                    store, programme, names, partner_name, kind, post
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
            roster.save_record(
                store,
                programme,
                "staff_exchange",
                {
                    "person_id": teachers[0],
                    "from_id": lead,
                    "to_id": partner,
                    "start_date": start[:4] + "-09-01",
                    "end_date": str(int(start[:4]) + 1) + "-07-15",
                    "note": DEMO_NOTE,
                },
            )
        store.set_setting("demo", "1")
        store.set_setting("demo_today", setup.today)


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
