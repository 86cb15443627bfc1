"""Online forms (tờ khai điện tử) of the demo catalogue, drawn from the real
declarations, and sample answers for the demo dossiers.

The fields follow the printed declarations: birth and marriage registration from
the forms of Circular 04/2020/TT-BTP as amended by Circular 04/2024/TT-BTP (Tờ
khai đăng ký khai sinh, Tờ khai đăng ký kết hôn), the criminal record
certificate from Form 03/2013/TT-LLTP (Tờ khai yêu cầu cấp Phiếu lý lịch tư
pháp), business household registration from the Giấy đề nghị đăng ký hộ kinh
doanh (Appendix III-1 of Circular 02/2023/TT-BKHĐT, now the form of Circular
68/2025/TT-BTC), certified copies from what the desk asks at the counter. Labels
marked (verify) were not checked against the current form. docs/eforms.md lists
the sources and what is left to check.
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
    # The form is the declaration (paper 0): filed online, it is attached as that
    # paper, printed from the answers, and no scan of it is asked for.
    "declaration_paper": 0,
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
    "declaration_paper": 0,
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


def _party(name: str, vi: str, en: str) -> dict[str, Any]:
    """One side of a marriage, as the declaration's column for it asks."""
    return {
        "name": name,
        "type": "group",
        "label": _t(vi, en),
        "min": 1,
        "max": 1,
        "required": True,
        "fields": [
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
                "required": True,
            },
            {
                "name": "nationality",
                "type": "text",
                "label": _t("Quốc tịch", "Nationality"),
                "required": True,
            },
            {
                "name": "residence",
                "type": "text",
                "label": _t("Nơi cư trú", "Place of residence"),
                "required": True,
            },
            {
                "name": "identity_paper",
                "type": "text",
                "label": _t("Giấy tờ tùy thân", "Identity paper"),
                "help": _t(
                    "Công dân Việt Nam: số định danh cá nhân; người nước ngoài: "
                    "loại và số hộ chiếu, ví dụ Hộ chiếu số C1234567.",
                    "Vietnamese citizens: personal ID number; foreigners: the kind "
                    "and number of the passport, e.g. Passport no. C1234567.",
                ),
                "required": True,
            },
            {
                "name": "marriage_number",
                "type": "number",
                "label": _t("Kết hôn lần thứ mấy", "Which marriage is this"),
                "help": _t(
                    "1 nếu chưa kết hôn lần nào (verify: ô này có trên mẫu 2020).",
                    "1 if never married before (verify: on the 2020 form).",
                ),
                "required": True,
                "min": 1,
                "max": 10,
            },
        ],
    }


MARRIAGE_REGISTRATION = {
    "version": 1,
    "title": _t("Tờ khai đăng ký kết hôn", "Marriage registration declaration"),
    "declaration_paper": 0,
    "fields": [
        _party("bride", "Bên nữ", "The bride"),
        _party("groom", "Bên nam", "The groom"),
        {
            "name": "want_copies",
            "type": "yesno",
            "label": _t(
                "Đề nghị cấp bản sao (trích lục kết hôn)?",
                "Ask for copies (extracts of the marriage record)?",
            ),
            "help": _t(
                "Giấy chứng nhận kết hôn được cấp cho mỗi bên một bản chính.",
                "Each spouse receives an original marriage certificate.",
            ),
            "required": True,
        },
        {
            "name": "copies",
            "type": "number",
            "label": _t("Số lượng bản sao", "Number of copies"),
            "required": True,
            "min": 1,
            "max": 10,
            "show_if": {"field": "want_copies", "equals": True},
        },
    ],
}

HOUSEHOLD_BUSINESS = {
    "version": 1,
    "title": _t(
        "Giấy đề nghị đăng ký hộ kinh doanh",
        "Application to register a household business",
    ),
    "declaration_paper": 0,
    "fields": [
        {
            "name": "business_name",
            "type": "text",
            "label": _t("Tên hộ kinh doanh", "Name of the household business"),
            "help": _t(
                "Gồm cụm từ “Hộ kinh doanh” và tên riêng, ví dụ: Hộ kinh doanh "
                "Bình An. Không trùng tên hộ kinh doanh khác trong cùng xã (verify).",
                "“Hộ kinh doanh” followed by its own name, e.g. Hộ kinh doanh Bình "
                "An; not the name of another one in the commune (verify).",
            ),
            "required": True,
        },
        {
            "name": "business_address",
            "type": "address",
            "label": _t("Địa chỉ trụ sở hộ kinh doanh", "Business address"),
            "required": True,
        },
        {
            "name": "business_phone",
            "type": "phone",
            "label": _t("Điện thoại", "Phone"),
            "prefill": "phone",
        },
        {
            "name": "business_email",
            "type": "email",
            "label": _t("Thư điện tử", "E-mail"),
            "prefill": "email",
        },
        {
            "name": "lines",
            "type": "group",
            "label": _t("Ngành, nghề kinh doanh", "Lines of business"),
            "help": _t(
                "Ghi tên và mã ngành cấp bốn trong Hệ thống ngành kinh tế Việt Nam.",
                "Name and four-digit code of the Vietnamese industry classification.",
            ),
            "min": 1,
            "max": 5,
            "fields": [
                {
                    "name": "name",
                    "type": "text",
                    "label": _t("Tên ngành", "Line of business"),
                    "required": True,
                },
                {
                    "name": "code",
                    "type": "text",
                    "label": _t("Mã ngành (cấp 4)", "Code (4 digits)"),
                },
            ],
        },
        {
            "name": "capital",
            "type": "number",
            "label": _t("Vốn kinh doanh (đồng)", "Business capital (VND)"),
            "required": True,
            "min": 0,
        },
        {
            "name": "employees",
            "type": "number",
            "label": _t("Số lượng lao động (nếu có)", "Employees (if any)"),
            "min": 0,
            "max": 1000,
        },
        {
            "name": "founders",
            "type": "choice",
            "label": _t("Chủ thể thành lập hộ kinh doanh", "Founded by"),
            "required": True,
            "choices": [
                _choice("individual", "Cá nhân", "An individual"),
                _choice(
                    "household",
                    "Các thành viên hộ gia đình",
                    "The members of a household",
                ),
            ],
        },
        {
            "name": "owner_name",
            "type": "text",
            "label": _t("Họ, chữ đệm, tên chủ hộ kinh doanh", "Owner's full name"),
            "required": True,
            "prefill": "name",
        },
        {
            "name": "owner_date_of_birth",
            "type": "date",
            "label": _t("Ngày, tháng, năm sinh", "Date of birth"),
            "required": True,
            "prefill": "date_of_birth",
        },
        {
            "name": "owner_sex",
            "type": "choice",
            "label": _t("Giới tính", "Sex"),
            "required": True,
            "choices": SEX,
        },
        {
            "name": "owner_ethnicity",
            "type": "text",
            "label": _t("Dân tộc", "Ethnic group"),
            "required": True,
        },
        {
            "name": "owner_nationality",
            "type": "text",
            "label": _t("Quốc tịch", "Nationality"),
            "required": True,
        },
        {
            "name": "owner_id_number",
            "type": "id_number",
            "label": _t("Số định danh cá nhân", "Personal ID number"),
            "help": _t(
                "Cũng là mã số thuế của hộ kinh doanh từ 01/7/2025 (verify).",
                "Also the household business's tax code since 1 July 2025 (verify).",
            ),
            "required": True,
            "prefill": "id_number",
        },
        {
            "name": "owner_contact_address",
            "type": "address",
            "label": _t("Địa chỉ liên lạc", "Contact address"),
            "required": True,
            "prefill": "address",
        },
        {
            "name": "members",
            "type": "group",
            "label": _t(
                "Thành viên hộ gia đình tham gia thành lập",
                "Household members taking part",
            ),
            "help": _t(
                "Kèm biên bản họp và văn bản ủy quyền cho chủ hộ (giấy tờ số 3, 4).",
                "With the minutes and the members' authorisation (papers 3 and 4).",
            ),
            "min": 1,
            "max": 6,
            "show_if": {"field": "founders", "equals": "household"},
            "fields": [
                {
                    "name": "full_name",
                    "type": "text",
                    "label": _t("Họ, chữ đệm, tên", "Full name"),
                    "required": True,
                },
                {
                    "name": "id_number",
                    "type": "id_number",
                    "label": _t("Số định danh cá nhân", "Personal ID number"),
                    "required": True,
                },
                {
                    "name": "date_of_birth",
                    "type": "date",
                    "label": _t("Ngày, tháng, năm sinh", "Date of birth"),
                },
            ],
        },
        {
            "name": "start_date",
            "type": "date",
            "label": _t(
                "Ngày bắt đầu hoạt động kinh doanh (đăng ký thuế)",
                "Start of business (tax registration)",
            ),
            "help": _t(
                "Phần thông tin đăng ký thuế của mẫu (verify các ô còn lại).",
                "The tax registration part of the form (verify its other boxes).",
            ),
        },
        {
            "name": "minutes",
            "type": "paper",
            "label": _t(
                "Biên bản họp thành viên hộ gia đình", "Minutes of the household"
            ),
            "paper": 2,
            "show_if": {"field": "founders", "equals": "household"},
        },
    ],
}

DEMO_FORMS: dict[str, dict[str, Any]] = {
    "1.001193": BIRTH_REGISTRATION,
    "1.000894": MARRIAGE_REGISTRATION,
    # Marriage with a foreign element files the same Tờ khai đăng ký kết hôn
    # (Circular 04/2020/TT-BTP has one form for both).
    "2.000806": MARRIAGE_REGISTRATION,
    "1.001612": HOUSEHOLD_BUSINESS,
    "3.000333": CRIMINAL_RECORD,
    "2.000815": CERTIFIED_COPY,
}

# Procedures an applicant may file on behalf of a business or organisation: a
# company has documents certified, or asks for copies of civil status extracts
# with a letter stating why (the catalogue's own wording for 2.000635). Not the
# household business (1.001612): a household business is no legal person, it is
# registered by the individual or household who runs it, and its owner files in
# their own name. Nor the civil status procedures of a person's own life.
ORGANISATION_FILING = frozenset({"2.000815", "2.000635"})


def seed_demo_forms() -> int:
    """Put the demo forms on their procedures, and allow filing for an
    organisation where it is done (a history row each change); returns how many
    procedures changed."""
    count = 0
    codes = set(DEMO_FORMS) | ORGANISATION_FILING
    for procedure in Procedure.objects.filter(code__in=codes):
        definition = DEMO_FORMS.get(procedure.code, procedure.form_definition)
        organisation = procedure.code in ORGANISATION_FILING
        if (
            procedure.form_definition != definition
            or procedure.organisation_filing != organisation
        ):
            procedure.form_definition = definition
            procedure.organisation_filing = organisation
            procedure.save(
                update_fields=["form_definition", "organisation_filing", "updated_at"]
            )
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
    if code in ("1.000894", "2.000806"):
        return {
            "bride": [
                {
                    "full_name": name,
                    "date_of_birth": "1998-04-12",
                    "ethnicity": "Kinh",
                    "nationality": "Việt Nam",
                    "residence": "Phường Đông Sơn, tỉnh Sơn Hà",
                    "identity_paper": id_number or "038198004512",
                    "marriage_number": 1,
                }
            ],
            # Between Vietnamese citizens (1.000894), or with a foreign element.
            "groom": [
                {
                    "full_name": "Lê Quang Huy",
                    "date_of_birth": "1996-09-03",
                    "ethnicity": "Kinh",
                    "nationality": "Việt Nam",
                    "residence": "Phường Đông Sơn, tỉnh Sơn Hà",
                    "identity_paper": "038096001234",
                    "marriage_number": 1,
                }
                if code == "1.000894"
                else {
                    "full_name": "Kim Min-jun",
                    "date_of_birth": "1996-09-03",
                    "ethnicity": "Hàn",
                    "nationality": "Hàn Quốc",
                    "residence": "Seoul, Hàn Quốc",
                    "identity_paper": "Hộ chiếu số M12345678",
                    "marriage_number": 1,
                }
            ],
            "want_copies": True,
            "copies": 2,
        }
    if code == "1.001612":
        return {
            "business_name": "Hộ kinh doanh Bình An",
            "business_address": {
                "province": "01",
                "commune": "00070",
                "street": "Số 45 phố Hàng Bông",
            },
            "lines": [
                {"name": "Bán lẻ lương thực, thực phẩm", "code": "4721"},
                {"name": "Dịch vụ ăn uống khác", "code": "5629"},
            ],
            "capital": 150000000,
            "employees": 2,
            "founders": "individual",
            "owner_name": name,
            "owner_date_of_birth": "1985-12-20",
            "owner_sex": "female",
            "owner_ethnicity": "Kinh",
            "owner_nationality": "Việt Nam",
            "owner_id_number": id_number or "001185009876",
            "owner_contact_address": {
                "province": "01",
                "commune": "00070",
                "street": "Số 45 phố Hàng Bông",
            },
            "start_date": "2026-12-01",
        }
    if code == "2.000815":
        return {"document": "Bằng tốt nghiệp", "issued_abroad": False, "copies": 2}
    return {}
