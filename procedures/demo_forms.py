"""Online forms (tờ khai điện tử) of the demo catalogue, drawn from the real
declarations, and sample answers for the demo dossiers.

The fields follow the printed declarations: birth registration from the form of
Circular 04/2024/TT-BTP (Tờ khai đăng ký khai sinh), the criminal record
certificate from Form 03/2013/TT-LLTP (Tờ khai yêu cầu cấp Phiếu lý lịch tư
pháp), certified copies from what the desk asks at the counter. Labels marked
(verify) were not checked against the current form.
"""

from typing import Any

from .models import Procedure


def _t(vi: str, en: str) -> dict[str, str]:
    return {"vi": vi, "en": en}


def _choice(value: str, vi: str, en: str) -> dict[str, Any]:
    return {"value": value, "label": _t(vi, en)}


SEX = [_choice("male", "Nam", "Male"), _choice("female", "Nữ", "Female")]

BIRTH_REGISTRATION = {
    "version": 1,
    "title": _t("Tờ khai đăng ký khai sinh", "Birth registration declaration"),
    "fields": [
        {
            "name": "requester_name",
            "type": "text",
            "label": _t("Họ, chữ đệm, tên người yêu cầu", "Requester's full name"),
            "required": True,
            "prefill": "name",
        },
        {
            "name": "requester_id_number",
            "type": "id_number",
            "label": _t("Số CCCD (định danh cá nhân)", "ID card number (CCCD)"),
            "required": True,
            "prefill": "id_number",
        },
        {
            "name": "requester_address",
            "type": "text",
            "label": _t("Nơi cư trú", "Place of residence"),
            "required": True,
            "prefill": "address",
        },
        {
            "name": "relationship",
            "type": "choice",
            "label": _t(
                "Quan hệ với người được khai sinh", "Relationship to the child"
            ),
            "required": True,
            "choices": [
                _choice("father", "Cha", "Father"),
                _choice("mother", "Mẹ", "Mother"),
                _choice("grandparent", "Ông, bà", "Grandparent"),
                _choice("other", "Người thân thích khác", "Other relative"),
            ],
        },
        {
            "name": "child_name",
            "type": "text",
            "label": _t("Họ, chữ đệm, tên người được khai sinh", "Child's full name"),
            "help": _t(
                "Viết đúng dấu tiếng Việt, như sẽ ghi trên Giấy khai sinh.",
                "With Vietnamese accents, as it will read on the birth certificate.",
            ),
            "required": True,
        },
        {
            "name": "child_date_of_birth",
            "type": "date",
            "label": _t("Ngày, tháng, năm sinh", "Date of birth"),
            "required": True,
        },
        {
            "name": "child_sex",
            "type": "choice",
            "label": _t("Giới tính", "Sex"),
            "required": True,
            "choices": SEX,
        },
        {
            "name": "child_ethnicity",
            "type": "text",
            "label": _t("Dân tộc", "Ethnic group"),
            "required": True,
        },
        {
            "name": "child_nationality",
            "type": "text",
            "label": _t("Quốc tịch", "Nationality"),
            "required": True,
        },
        {
            "name": "born_at_facility",
            "type": "yesno",
            "label": _t(
                "Trẻ sinh tại cơ sở y tế?", "Was the child born at a health facility?"
            ),
            "required": True,
        },
        {
            "name": "facility_name",
            "type": "text",
            "label": _t("Tên cơ sở y tế", "Name of the health facility"),
            "required": True,
            "show_if": {"field": "born_at_facility", "equals": True},
        },
        {
            "name": "place_of_birth",
            "type": "address",
            "label": _t("Nơi sinh", "Place of birth"),
            "help": _t(
                "Tỉnh, xã nơi trẻ được sinh ra (đơn vị hành chính hiện nay).",
                "Province and commune where the child was born (current units).",
            ),
            "required": True,
        },
        {
            "name": "home_town",
            "type": "text",
            "label": _t("Quê quán", "Home town"),
            "help": _t(
                "Theo quê quán của cha hoặc mẹ, theo thỏa thuận (verify).",
                "The father's or the mother's, as they agree (verify).",
            ),
        },
        {
            "name": "parents",
            "type": "group",
            "label": _t("Cha, mẹ", "Parents"),
            "help": _t(
                "Khai người cha, người mẹ; bỏ trống khối thứ hai nếu chưa xác định.",
                "The father and the mother; leave the second block empty if not known.",
            ),
            "min": 1,
            "max": 2,
            "fields": [
                {
                    "name": "role",
                    "type": "choice",
                    "label": _t("Là", "Role"),
                    "required": True,
                    "choices": [
                        _choice("father", "Cha", "Father"),
                        _choice("mother", "Mẹ", "Mother"),
                    ],
                },
                {
                    "name": "full_name",
                    "type": "text",
                    "label": _t("Họ, chữ đệm, tên", "Full name"),
                    "required": True,
                },
                {
                    "name": "date_of_birth",
                    "type": "date",
                    "label": _t("Ngày, tháng, năm sinh", "Date of birth"),
                    "required": True,
                },
                {
                    "name": "ethnicity",
                    "type": "text",
                    "label": _t("Dân tộc", "Ethnic group"),
                },
                {
                    "name": "nationality",
                    "type": "text",
                    "label": _t("Quốc tịch", "Nationality"),
                },
                {
                    "name": "id_number",
                    "type": "id_number",
                    "label": _t("Số CCCD (định danh)", "ID card number"),
                },
                {
                    "name": "residence",
                    "type": "text",
                    "label": _t("Nơi cư trú", "Place of residence"),
                },
            ],
        },
        {
            "name": "copies",
            "type": "number",
            "label": _t(
                "Số bản sao Giấy khai sinh đề nghị cấp",
                "Certified copies of the birth certificate wanted",
            ),
            "min": 0,
            "max": 10,
        },
        {
            "name": "birth_notice",
            "type": "paper",
            "label": _t("Giấy chứng sinh", "Birth notice"),
            "paper": 1,
        },
    ],
}

CRIMINAL_RECORD = {
    "version": 1,
    "title": _t(
        "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp",
        "Application for a criminal record certificate",
    ),
    "fields": [
        {
            "name": "full_name",
            "type": "text",
            "label": _t("Họ và tên", "Full name"),
            "required": True,
            "prefill": "name",
        },
        {
            "name": "other_names",
            "type": "text",
            "label": _t("Tên gọi khác (nếu có)", "Other names (if any)"),
        },
        {
            "name": "sex",
            "type": "choice",
            "label": _t("Giới tính", "Sex"),
            "required": True,
            "choices": SEX,
        },
        {
            "name": "date_of_birth",
            "type": "date",
            "label": _t("Ngày, tháng, năm sinh", "Date of birth"),
            "required": True,
            "prefill": "date_of_birth",
        },
        {
            "name": "place_of_birth",
            "type": "text",
            "label": _t("Nơi sinh", "Place of birth"),
            "required": True,
        },
        {
            "name": "id_number",
            "type": "id_number",
            "label": _t("Số CCCD (định danh cá nhân)", "ID card number (CCCD)"),
            "required": True,
            "prefill": "id_number",
        },
        {
            "name": "residence",
            "type": "address",
            "label": _t("Nơi thường trú", "Permanent residence"),
            "required": True,
            "prefill": "address",
        },
        {
            "name": "phone",
            "type": "phone",
            "label": _t("Điện thoại", "Phone"),
            "prefill": "phone",
        },
        {
            "name": "email",
            "type": "email",
            "label": _t("Thư điện tử", "E-mail"),
            "prefill": "email",
        },
        {
            "name": "father_name",
            "type": "text",
            "label": _t("Họ và tên cha", "Father's full name"),
        },
        {
            "name": "mother_name",
            "type": "text",
            "label": _t("Họ và tên mẹ", "Mother's full name"),
        },
        {
            "name": "certificate_type",
            "type": "choice",
            "label": _t("Loại Phiếu yêu cầu cấp", "Certificate asked for"),
            "required": True,
            "choices": [
                _choice("1", "Phiếu lý lịch tư pháp số 1", "Certificate no. 1"),
                _choice("2", "Phiếu lý lịch tư pháp số 2", "Certificate no. 2"),
            ],
        },
        {
            "name": "ban_confirmation",
            "type": "yesno",
            "label": _t(
                "Yêu cầu xác nhận về việc bị cấm đảm nhiệm chức vụ, thành lập, "
                "quản lý doanh nghiệp, hợp tác xã",
                "Ask for confirmation of any ban on holding office or managing a "
                "business or cooperative",
            ),
            "show_if": {"field": "certificate_type", "equals": "1"},
        },
        {
            "name": "purpose",
            "type": "text",
            "label": _t("Mục đích sử dụng Phiếu", "Purpose of the certificate"),
            "required": True,
        },
        {
            "name": "copies",
            "type": "number",
            "label": _t("Số lượng Phiếu yêu cầu cấp", "Number of certificates"),
            "required": True,
            "min": 1,
            "max": 10,
        },
    ],
}

CERTIFIED_COPY = {
    "version": 1,
    "title": _t("Yêu cầu chứng thực bản sao", "Request for certified copies"),
    "fields": [
        {
            "name": "document",
            "type": "text",
            "label": _t("Tên giấy tờ, văn bản", "Document to copy"),
            "required": True,
        },
        {
            "name": "issued_abroad",
            "type": "yesno",
            "label": _t("Do cơ quan nước ngoài cấp?", "Issued by a foreign authority?"),
            "required": True,
        },
        {
            "name": "legalised",
            "type": "yesno",
            "label": _t("Đã được hợp pháp hóa lãnh sự?", "Consular legalisation done?"),
            "help": _t(
                "Trừ trường hợp được miễn theo điều ước quốc tế (verify).",
                "Unless a treaty exempts it (verify).",
            ),
            "required": True,
            "show_if": {"field": "issued_abroad", "equals": True},
        },
        {
            "name": "copies",
            "type": "number",
            "label": _t("Số bản sao cần chứng thực", "Copies to certify"),
            "required": True,
            "min": 1,
            "max": 100,
        },
        {
            "name": "original",
            "type": "paper",
            "label": _t("Bản chính", "The original"),
            "paper": 0,
        },
    ],
}

DEMO_FORMS: dict[str, dict[str, Any]] = {
    "1.001193": BIRTH_REGISTRATION,
    "3.000333": CRIMINAL_RECORD,
    "2.000815": CERTIFIED_COPY,
}


def seed_demo_forms() -> int:
    """Put the demo forms on their procedures (a history row each); returns how many."""
    count = 0
    for procedure in Procedure.objects.filter(code__in=DEMO_FORMS):
        definition = DEMO_FORMS[procedure.code]
        if procedure.form_definition != definition:
            procedure.form_definition = definition
            procedure.save(update_fields=["form_definition", "updated_at"])
            count += 1
    return count


def sample_answers(code: str, *, name: str, id_number: str = "") -> dict[str, Any]:
    """Plausible answers for a demo dossier of ``code`` filed by ``name``."""
    if code == "1.001193":
        family = name.split()[0] if name else "Nguyễn"
        return {
            "requester_name": name,
            "requester_id_number": id_number or "001190012345",
            "requester_address": "Số 12 đường Lê Lợi, phường Hoàn Kiếm, Hà Nội",
            "relationship": "mother",
            "child_name": f"{family} Minh An",
            "child_date_of_birth": "2026-11-02",
            "child_sex": "female",
            "child_ethnicity": "Kinh",
            "child_nationality": "Việt Nam",
            "born_at_facility": True,
            "facility_name": "Bệnh viện Phụ sản Hà Nội",
            "place_of_birth": {"province": "01", "commune": "00070", "street": ""},
            "parents": [
                {
                    "role": "mother",
                    "full_name": name,
                    "date_of_birth": "1994-03-15",
                    "ethnicity": "Kinh",
                    "nationality": "Việt Nam",
                }
            ],
            "copies": 2,
        }
    if code == "3.000333":
        return {
            "full_name": name,
            "sex": "male",
            "date_of_birth": "1990-06-01",
            "place_of_birth": "Hà Nội",
            "id_number": id_number or "001090012345",
            "residence": {"province": "01", "commune": "00070", "street": "Số 3"},
            "certificate_type": "1",
            "ban_confirmation": False,
            "purpose": "Bổ sung hồ sơ xin việc",
            "copies": 1,
        }
    if code == "2.000815":
        return {"document": "Bằng tốt nghiệp", "issued_abroad": False, "copies": 2}
    return {}
