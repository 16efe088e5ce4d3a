"""A data file full of invented sample data (示例), in the shape of the programme's roster.

The Yiyuan shape follows seed 000 附件1: 5 core kindergartens and 14 supported units (3, 3, 3,
3 and 2). Every name and number is made up; the kindergarten name, every record's note and the
``demo`` setting say 示例 so nobody mistakes it for real data.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from gongtongti_desktop.core import roster
from gongtongti_desktop.core.programme import DEFAULT_PROGRAMME, Programme, get_programme
from gongtongti_desktop.core.store import Store

DEMO_NOTE = "示例数据"
# The school year whose plans and diary the demo fills, per profile (default 2024).
DEMO_SCHOOL_YEAR = {"gaotai-2020": 2020}
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
_GIVEN = "玲芳静丽敏燕红霞娟英华慧梅琳雪婷颖洁晶倩欣悦雯蕾萍莉娜琴岚凤兰秀桂丹瑶宁佳昕彤明军伟强磊勇涛斌刚平辉超鹏"

# (lead, [(partner, role index, kind)]) for each profile's shape.
_YIYUAN_SHAPE = [
    ("城关实验幼儿园", ["东岭镇学区", "西河镇学区", "石门镇学区"]),
    ("城关第二实验幼儿园", ["北峪镇学区", "桃园镇学区", "青石镇学区"]),
    ("城关第三实验幼儿园", ["新华路幼儿园", "南坪镇学区", "山前幼儿园"]),
    ("城关第四实验幼儿园", ["河东街道学区", "柳林镇学区", "杏花镇学区"]),
    ("城南幼儿园", ["城南街道学区", "松岭镇学区"]),
]
_GAOTAI_SHAPE = [
    ("第一示范幼儿园", ["东坝镇中心幼儿园"], ["彩虹民办幼儿园"]),
    ("阳光幼儿园", ["北泉镇中心幼儿园", "南城镇中心幼儿园"], ["小太阳幼儿园"]),
    ("东苑示范幼儿园", ["清水镇中心幼儿园", "宣河镇中心幼儿园"], ["金苗幼儿园"]),
    ("南苑示范幼儿园", ["驼城镇中心幼儿园", "巷口镇中心幼儿园"], ["七彩幼儿园"]),
    ("西苑示范幼儿园", ["合河镇中心幼儿园"], ["启智幼儿园"]),
]


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


def _kind(name: str, role: str) -> str:
    if name.endswith("学区"):
        return "学区"
    if "中心幼儿园" in name:
        return "乡镇中心园"
    return "民办园" if "民办" in role else "公办园"


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


def fill_demo(store: Store, programme: Programme, seed: int = 2022) -> None:
    """Fill an empty store with the programme's roster shape, in one transaction."""
    rng = random.Random(seed)
    names = _Names(rng)
    if programme.id == "gaotai-2020":
        shape = [
            (
                lead,
                [(p, programme.roles.partners[0]) for p in rural]
                + [(p, programme.roles.partners[1]) for p in private],
            )
            for lead, rural, private in _GAOTAI_SHAPE
        ]
        start, end = "2020-03-01", "2021-01-31"
    else:
        role = programme.roles.partners[0]
        shape = [(lead, [(p, role) for p in partners]) for lead, partners in _YIYUAN_SHAPE]
        start, end = "2022-07-01", "2024-12-31"
    with store.atomic():
        for lead_name, partners in shape:
            lead, lead_person = _add_kindergarten(
                store, programme, names, lead_name, "公办园", "园长"
            )
            teachers = [
                roster.save_record(
                    store,
                    programme,
                    "person",
                    {
                        "name": names.person(),
                        "post": "骨干教师",
                        "phone": names.phone(),
                        "kindergarten_id": lead,
                        "note": DEMO_NOTE,
                    },
                )
                for _ in range(2)
            ]
            for partner_name, role in partners:
                kind = _kind(partner_name, role)
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
                mentee = roster.save_record(
                    store,
                    programme,
                    "person",
                    {
                        "name": names.person(),
                        "post": "教师",
                        "phone": names.phone(),
                        "kindergarten_id": partner,
                        "note": DEMO_NOTE,
                    },
                )
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


def create_demo(path: Path, programme_id: str = DEFAULT_PROGRAMME) -> Store:
    """Write a new data file filled with 示例 data; refuses an existing path."""
    programme = get_programme(programme_id)
    lead = _GAOTAI_SHAPE[0][0] if programme.id == "gaotai-2020" else _YIYUAN_SHAPE[0][0]
    store = Store.create(
        Path(path), kindergarten=f"示例：{lead}（演示数据）", programme_id=programme.id
    )
    try:
        fill_demo(store, programme)
        from gongtongti_desktop.core.demo_diary import fill_diary

        fill_diary(store, programme, DEMO_SCHOOL_YEAR.get(programme.id, 2024))
    except BaseException:
        store.close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        shutil.rmtree(Path(path).parent / "attachments", ignore_errors=True)
        raise
    return store
