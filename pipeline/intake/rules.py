"""The row rules pandera cannot express: across columns, across rows, across periods."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from pipeline.findings import ERROR, WARNING
from pipeline.intake.validate import Record, SheetCheck, fmt
from pipeline.periods import Period
from pipeline.text import clean, name_key
from schemas.sheets import NO, YES

WITHDRAW, ADJUST, NEW = "Rút", "Điều chỉnh", "Mới"
INDIVIDUAL, COLLECTIVE = "Cá nhân", "Tập thể"


class Registered(NamedTuple):
    """What a registration row says of its exemplar (a tuple: a province has many)."""

    loai: str
    ten: str
    nam_sinh: int | None
    gioi_tinh: str | None
    chuc_vu: str | None
    phong_trao: str
    pham_vi: str
    linh_vuc: str | None
    noi_dung: str
    muc_tieu: str | None


REGISTRATION_FIELDS = Registered._fields


def code_key(code: object) -> str:
    """Exemplar codes compare ignoring case and surrounding spaces."""
    return clean(code).casefold()


@dataclass(frozen=True, slots=True)
class Exemplar:
    """The registration of one exemplar as it stands after a period."""

    unit: str
    code: str  # the spelling of the first registration
    fields: Registered
    first_date: dt.date
    first_period: str
    status: str  # Mới | Điều chỉnh | Rút
    withdrawn: bool
    source: str
    changed_in: str  # the period of the last change


@dataclass
class Registry:
    """Every exemplar registered so far, keyed by (unit, code key)."""

    items: dict[tuple[str, str], Exemplar] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Each unit's keys in registration order, so that a unit's exemplars are found without
        # going through the whole province's.
        self._keys: dict[str, list[tuple[str, str]]] = {}
        for key in self.items:
            self._keys.setdefault(key[0], []).append(key)

    def copy(self) -> Registry:
        return Registry(dict(self.items))

    def get(self, unit: str, code: object) -> Exemplar | None:
        return self.items.get((unit, code_key(code)))

    def put(self, key: tuple[str, str], exemplar: Exemplar) -> None:
        if key not in self.items:
            self._keys.setdefault(key[0], []).append(key)
        self.items[key] = exemplar

    def active(self, unit: str) -> list[Exemplar]:
        mine = (self.items[key] for key in self._keys.get(unit, ()))
        return [e for e in mine if not e.withdrawn]


class RegistrationCheck(SheetCheck):
    def relaxed(self, record: Record) -> bool:
        return record.values.get("trang_thai") == WITHDRAW

    def apply(self, records: list[Record], registry: Registry, ngay_lap: dt.date,
              period: Period, source) -> None:
        plan = self.ctx.plan
        first = dt.date(plan.plan.first_year, 1, 1)
        last = dt.date(plan.plan.last_year, 12, 31)
        ky = str(period)
        seen: set[str] = set()
        for rec in records:
            v = rec.values
            key = code_key(v["ma_dien_hinh"])
            if key and key in seen:
                self.add(ERROR, "R01", f"mã điển hình '{v['ma_dien_hinh']}' đã ghi ở dòng trên "
                         "trong trang này. Mỗi mã chỉ ghi một lần; vui lòng đặt mã khác hoặc "
                         "xóa dòng trùng.", rec, "ma_dien_hinh")
            seen.add(key)
            existing = registry.items.get((self.ctx.unit, key)) if key else None
            if v["trang_thai"] == WITHDRAW:
                if existing is None or existing.withdrawn:
                    self.add(ERROR, "R06", f"không thể rút mã điển hình '{v['ma_dien_hinh']}' vì "
                             "đơn vị chưa đăng ký mã này (hoặc đã rút). Vui lòng kiểm tra lại mã.",
                             rec, "ma_dien_hinh")
            else:
                self._person_rules(rec, period)
                if v["pham_vi"] == "Chuyên đề" and not v["linh_vuc"]:
                    self.add(ERROR, "C01", "thiếu 'Lĩnh vực': bắt buộc khi Phạm vi là Chuyên đề.",
                             rec, "linh_vuc" if "linh_vuc" in rec.cells else None)
                day = v["ngay_dang_ky"]
                if day and not (first <= day <= last):
                    self.add(ERROR, "C12", f"ngày đăng ký {day:%d/%m/%Y} nằm ngoài thời gian "
                             f"kế hoạch ({first:%d/%m/%Y} – {last:%d/%m/%Y}).", rec, "ngay_dang_ky")
                elif day and ngay_lap and day > ngay_lap:
                    self.add(ERROR, "C12", f"ngày đăng ký {day:%d/%m/%Y} sau ngày lập báo cáo "
                             f"{ngay_lap:%d/%m/%Y}. Vui lòng kiểm tra lại ngày.", rec,
                             "ngay_dang_ky")
                if v["trang_thai"] == ADJUST and (existing is None or existing.withdrawn):
                    self.add(WARNING, "R07", f"mã điển hình '{v['ma_dien_hinh']}' chưa được "
                             "đăng ký trước đây; dòng này được ghi nhận là đăng ký mới.", rec,
                             "trang_thai")
            if rec.errors == 0:
                _register(registry, (self.ctx.unit, key), v, ky, source(rec))

    def _person_rules(self, rec: Record, period: Period) -> None:
        v = rec.values
        if v["loai"] == INDIVIDUAL:
            if v["nam_sinh"] is None:
                self.add(ERROR, "C01", "thiếu 'Năm sinh': bắt buộc với cá nhân.", rec,
                         "nam_sinh" if "nam_sinh" in rec.cells else None)
            elif not 1940 <= v["nam_sinh"] <= period.year - 18:
                self.add(ERROR, "C10", f"năm sinh {v['nam_sinh']} không hợp lệ; năm sinh của cá "
                         f"nhân phải từ 1940 đến {period.year - 18}.", rec, "nam_sinh")
            if v["gioi_tinh"] is None:
                self.add(ERROR, "C01", "thiếu 'Giới tính': bắt buộc với cá nhân (Nam hoặc Nữ).",
                         rec, "gioi_tinh" if "gioi_tinh" in rec.cells else None)
        elif v["loai"] == COLLECTIVE:
            for key, header in (("nam_sinh", "Năm sinh"), ("gioi_tinh", "Giới tính")):
                if v[key] is not None:
                    self.add(ERROR, "C11", f"'{header}' phải để trống với tập thể.", rec, key)


def _register(registry: Registry, key: tuple[str, str], v: dict, period: str,
              source: str) -> None:
    old = registry.items.get(key)
    if v["trang_thai"] == WITHDRAW:
        registry.put(key, replace(old, status=WITHDRAW, withdrawn=True, source=source,
                                  changed_in=period))
        return
    fields = Registered._make(map(v.get, REGISTRATION_FIELDS))
    if old is None:
        registry.put(key, Exemplar(key[0], clean(v["ma_dien_hinh"]), fields, v["ngay_dang_ky"],
                                   period, NEW, False, source, period))
        return
    status = NEW if old.withdrawn else ADJUST
    registry.put(key, replace(old, fields=fields, status=status, withdrawn=False,
                              source=source, changed_in=period))


class ScoreCheck(SheetCheck):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._criteria_all = self.ctx.plan.all_criteria
        self._codes = [c.code for c in self._criteria_all]
        # movement -> its criteria codes, and for each of the plan's criteria whether it is one
        self._own: dict[str, tuple[frozenset[str], list[bool]]] = {}

    def apply(self, records: list[Record], registry: Registry) -> list[tuple[Record, Exemplar]]:
        accepted = []
        seen: set[str] = set()
        for rec in records:
            v = rec.values
            key = code_key(v["ma_dien_hinh"])
            if key in seen:
                self.add(ERROR, "R05", f"điển hình '{v['ma_dien_hinh']}' đã được chấm ở dòng trên; "
                         "mỗi điển hình chỉ chấm một dòng. Vui lòng xóa dòng trùng.", rec,
                         "ma_dien_hinh")
            seen.add(key)
            ex = registry.items.get((self.ctx.unit, key)) if key else None
            if key and ex is None:
                self.add(ERROR, "R02", f"mã điển hình '{v['ma_dien_hinh']}' chưa được đăng ký. "
                         "Vui lòng đăng ký ở trang 'Đăng ký' hoặc kiểm tra lại mã.", rec,
                         "ma_dien_hinh")
            elif ex is not None and ex.withdrawn:
                self.add(ERROR, "R03", f"điển hình '{ex.code}' đã rút đăng ký, không chấm điểm. "
                         "Vui lòng xóa dòng này.", rec, "ma_dien_hinh")
            elif ex is not None:
                self._criteria(rec, ex)
                self._person(rec, ex)
            if rec.errors == 0 and ex is not None:
                accepted.append((rec, ex))
        self.scored = seen  # the code keys of every score row, accepted or not
        return accepted

    def own_criteria(self, movement: str) -> frozenset[str]:
        """The codes of the criteria a movement is scored on."""
        return self._movement(movement)[0]

    def _movement(self, movement: str) -> tuple[frozenset[str], list[bool]]:
        found = self._own.get(movement)
        if found is None:
            own = frozenset(c.code for c in self.ctx.plan.criteria_of(movement))
            found = self._own[movement] = (own, [code in own for code in self._codes])
        return found

    def _criteria(self, rec: Record, ex: Exemplar) -> None:
        movement = ex.fields.phong_trao
        own, expected = self._movement(movement)
        if [value is not None for value in map(rec.values.get, self._codes)] == expected:
            return  # the usual row: the movement's criteria scored and no other
        for crit in self._criteria_all:
            value = rec.values.get(crit.code)
            if crit.code in own and value is None and not self._had_error(rec, crit.code):
                self.add(ERROR, "C01", f"thiếu điểm {crit.code} ({crit.text}): bắt buộc với "
                         f"phong trào {movement}. Vui lòng nhập từ 0 đến {fmt(crit.max)}.", rec,
                         crit.code if crit.code in rec.cells else None)
            elif crit.code not in own and value is not None:
                self.add(ERROR, "C11", f"điểm {crit.code} phải để trống vì điển hình "
                         f"'{ex.code}' thuộc phong trào {movement}.", rec, crit.code)

    def _had_error(self, rec: Record, key: str) -> bool:
        cell = rec.cells.get(key)
        return bool(cell) and any(f.cell == cell and f.file == self.ctx.file
                                  and f.sheet == self.located.raw_name
                                  for f in self.ctx.findings)

    def _person(self, rec: Record, ex: Exemplar) -> None:
        v = rec.values
        name = v.get("ten")
        registered = ex.fields.ten
        if name and name != registered and name_key(name) != name_key(registered):
            self.add(WARNING, "C14", f"tên '{name}' khác với tên đã đăng ký "
                     f"'{ex.fields.ten}'; dùng tên đã đăng ký.", rec, "ten")
        if ex.fields.loai == COLLECTIVE and v.get("xep_loai_cb"):
            self.add(WARNING, "C15", "xếp loại chỉ ghi cho cá nhân; giá trị ghi cho tập thể được "
                     "bỏ qua.", rec, "xep_loai_cb")
            v["xep_loai_cb"] = None
        if ex.fields.loai != COLLECTIVE:
            return
        movement = self.ctx.plan.movement(ex.fields.phong_trao)
        if (movement and movement.security_gate
                and v.get("antt") is None and not self._had_error(rec, "antt")):
            self.add(ERROR, "C01", f"thiếu 'Đạt chuẩn ANTT': bắt buộc với tập thể thuộc phong trào "
                     f"{movement.code}. Vui lòng chọn {YES} hoặc {NO}.", rec,
                     "antt" if "antt" in rec.cells else None)


class DeedCheck(SheetCheck):
    def apply(self, records: list[Record], period: Period) -> None:
        months = period.months
        for rec in records:
            month = rec.values["thang"]
            if month is not None and month not in months:
                self.add(ERROR, "C13", f"tháng {month} không thuộc {period.label}. Vui lòng ghi "
                         f"một trong các tháng {', '.join(map(str, months))}.", rec, "thang")


class ActivityCheck(SheetCheck):
    def apply(self, records: list[Record], period: Period) -> None:
        for rec in records:
            day = rec.values["ngay"]
            if day is not None and not period.first_day <= day <= period.last_day:
                self.add(ERROR, "C12", f"ngày {day:%d/%m/%Y} không thuộc {period.label} "
                         f"({period.first_day:%d/%m/%Y} – {period.last_day:%d/%m/%Y}).", rec,
                         "ngay")
