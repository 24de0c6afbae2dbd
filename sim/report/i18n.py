"""Words and number formats of the reports, in Vietnamese ("vi") and English ("en").

`MESSAGES[lang][key]` holds every sentence, heading and label of the HTML report; both languages
have exactly the same keys and the same `{placeholders}` (tested). Look-ups go through `t`, which
fills the placeholders. KPI names and short explanations are `kpi.<key>` and `kpi.<key>.help` for
every key of `sim.scenario.kpis.KPIS` and every breakdown prefix; `kpi_name` adds the field's or
staff member's name to a dotted breakdown (`wait_mean_min.land` → "Thời gian chờ trung bình (Đất
đai – môi trường)").

Numbers follow the language: Vietnamese writes 1.700 and 2,5; English 1,700 and 2.5. Dates are
25/8/2025 and 25 Aug 2025. Negative numbers use the minus sign (−), differences carry a sign (+1,2).

`PLOT_TEXT_VI` translates the English text of the standard figures (`sim.report.plots`) phrase by
phrase, so the Vietnamese report's figures read in Vietnamese too; a phrase it does not know stays
in English.
"""

from __future__ import annotations

import datetime as dt
import math
import string
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sim.report.table import SCORE_MAX, kpi_kind, sign_decimals
from sim.scenario.kpis import BREAKDOWNS, KPIS

if TYPE_CHECKING:
    from sim.scenario.schema import FieldSpec, Scenario, ScenarioInfo, StaffSpec

LANGS: tuple[str, ...] = ("vi", "en")
"""Report languages; the first is the default."""

MINUS = "\u2212"
"""The minus sign used for negative numbers (not the hyphen)."""

_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# ----- KPI names and explanations ----------------------------------------------------------------

_KPI_VI: dict[str, tuple[str, str]] = {
    "visitors_arrived": (
        "Lượt người dân đến",
        "Số lượt người đến trung tâm; người được hẹn quay lại hôm sau được tính thêm một lượt.",
    ),
    "visitors_served": (
        "Lượt người dân được phục vụ",
        "Lượt đến được giải quyết tại quầy, tổ hỗ trợ hoặc máy tra cứu.",
    ),
    "visitors_reneged": (
        "Lượt người dân bỏ về khi đang chờ",
        "Người đã lấy số nhưng hết kiên nhẫn và ra về trước khi được gọi.",
    ),
    "visitors_balked": (
        "Lượt người dân bỏ về vì đông",
        "Người thấy hàng chờ quá dài nên về ngay khi vừa đến.",
    ),
    "visitors_sent_home": (
        "Lượt người dân hẹn quay lại hôm sau",
        "Người còn chờ lúc hết giờ làm việc, được hẹn quay lại vào ngày làm việc tiếp theo.",
    ),
    "visitors_in_system_end": (
        "Người dân còn ở trung tâm cuối giai đoạn",
        "Người vẫn còn ở trung tâm khi giai đoạn mô phỏng kết thúc.",
    ),
    "visitors_served_counter": (
        "Lượt người dân được phục vụ tại quầy",
        "Lượt đến được cán bộ tiếp nhận tại quầy.",
    ),
    "visitors_served_support": (
        "Lượt người dân được tổ hỗ trợ giúp nộp trực tuyến",
        "Lượt đến kết thúc sau khi tổ hỗ trợ giúp nộp hồ sơ trực tuyến.",
    ),
    "visitors_served_lookup": (
        "Lượt người dân dùng máy tra cứu",
        "Lượt đến chỉ để tra cứu thông tin tại máy tra cứu.",
    ),
    "dossiers_submitted_counter": ("Hồ sơ nộp tại quầy", "Số hồ sơ người dân nộp trực tiếp tại quầy."),
    "dossiers_submitted_online_support": (
        "Hồ sơ nộp trực tuyến có hỗ trợ",
        "Số hồ sơ nộp trực tuyến với sự giúp đỡ của tổ hỗ trợ.",
    ),
    "wait_mean_min": (
        "Thời gian chờ trung bình",
        "Từ lúc xếp hàng lấy số (khi đến, hoặc sau khi dùng "
        "máy tra cứu hay được tổ hỗ trợ giúp) đến khi được gọi lên quầy, trung bình "
        "mọi lượt người dân.",
    ),
    "wait_p50_min": ("Thời gian chờ trung vị", "Một nửa số người dân chờ không quá thời gian này."),
    "wait_p90_min": (
        "Thời gian chờ của 90% người dân",
        "90% người dân được gọi lên quầy trong khoảng thời gian này (phân vị 90).",
    ),
    "wait_p95_min": (
        "Thời gian chờ của 95% người dân",
        "95% người dân được gọi lên quầy trong khoảng thời gian này (phân vị 95).",
    ),
    "wait_max_min": ("Thời gian chờ lâu nhất", "Lượt chờ lâu nhất trong giai đoạn."),
    "wait_within_target": (
        "Tỷ lệ người dân chờ không quá ngưỡng",
        "Tỷ lệ người dân được gọi lên quầy trong ngưỡng thời gian chờ của kịch bản.",
    ),
    "queue_mean": (
        "Số người chờ trung bình",
        "Số người chờ đến lượt tại quầy, trung bình theo thời gian trong giờ làm việc.",
    ),
    "queue_max": ("Số người chờ đông nhất", "Số người cùng chờ đến lượt tại quầy nhiều nhất."),
    "overtime_min_per_day": (
        "Thời gian làm thêm mỗi ngày",
        "Số phút cán bộ tiếp tục tiếp người dân "
        "tại quầy quá giờ kết thúc buổi làm việc (lấn vào giờ nghỉ trưa và sau "
        "giờ đóng cửa), cộng cho mọi cán bộ, tính trên một ngày làm việc.",
    ),
    "overtime_lunch_min_per_day": (
        "Thời gian làm thêm vào giờ nghỉ trưa",
        "Số phút cán bộ tiếp tục "
        "tiếp người dân tại quầy sau khi hết buổi sáng, lấn vào giờ nghỉ "
        "trưa, cộng cho mọi cán bộ, tính trên một ngày làm việc.",
    ),
    "overtime_close_min_per_day": (
        "Thời gian làm thêm sau giờ đóng cửa",
        "Số phút cán bộ tiếp tục "
        "tiếp người dân tại quầy sau giờ đóng cửa cuối ngày, cộng cho mọi "
        "cán bộ, tính trên một ngày làm việc.",
    ),
    "staff_utilisation_mean": (
        "Mức độ bận của cán bộ tại quầy",
        "Tỷ lệ thời gian cán bộ bận tiếp "
        "người dân trên thời gian ngồi tại quầy, trung bình các cán bộ (chỉ "
        "tính việc tại quầy; xem tỷ lệ thời gian làm việc bận).",
    ),
    "staff_busy_share": (
        "Tỷ lệ thời gian làm việc bận",
        "Phần thời gian làm việc cán bộ bận việc: "
        "tiếp người dân tại quầy, xử lý hồ sơ và cấp số thủ công, trên thời gian "
        "làm việc (các buổi không nghỉ phép, không họp, giờ trực trưa tại quầy và "
        "giờ làm thêm); trung bình các cán bộ. Chỉ tính việc mô hình thể hiện, "
        "không tính họp và việc khác của lãnh đạo. Việc xử lý hồ sơ chạy song song "
        "với việc tại quầy, nên trên 100% nghĩa là cán bộ bị quá tải.",
    ),
    "staff_busy_counter_share": (
        "Phần thời gian tiếp người dân tại quầy",
        "Phần của tỷ lệ thời gian làm việc bận dành cho tiếp người dân tại quầy.",
    ),
    "staff_busy_back_office_share": (
        "Phần thời gian xử lý hồ sơ",
        "Phần của tỷ lệ thời gian làm việc bận dành cho xử lý hồ sơ sau khi tiếp nhận.",
    ),
    "staff_busy_manual_share": (
        "Phần thời gian cấp số thủ công",
        "Phần của tỷ lệ thời gian làm việc "
        "bận dành cho ghi số thứ tự bằng tay khi máy lấy số không hoạt "
        "động.",
    ),
    "ticket_machine_utilisation": (
        "Mức độ bận của máy lấy số",
        "Tỷ lệ thời gian máy lấy số đang in phiếu trong giờ cấp số.",
    ),
    "ticket_machine_down_min": (
        "Thời gian không có máy lấy số hoạt động",
        "Số phút trong giờ cấp số "
        "mà không còn máy lấy số nào hoạt động (hỏng hoặc hết giấy); khi có "
        "một máy, đó là thời gian máy ấy ngừng. Thời gian ngừng của từng máy "
        "được báo riêng, không cộng dồn.",
    ),
    "ticket_machine_out_min": (
        "Thời gian máy lấy số ngừng hoạt động",
        "Số phút trong giờ cấp số mà "
        "từng máy lấy số bị hỏng hoặc hết giấy (cả hai cùng lúc chỉ tính một "
        "lần).",
    ),
    "lookup_pc_utilisation": (
        "Mức độ sử dụng máy tra cứu",
        "Tỷ lệ thời gian máy tra cứu có người dùng trong giờ mở cửa.",
    ),
    "support_team_utilisation": (
        "Mức độ bận của tổ hỗ trợ",
        "Tỷ lệ thời gian tổ hỗ trợ bận giúp người dân trong giờ làm việc của tổ.",
    ),
    "support_wait_mean_min": (
        "Thời gian chờ tổ hỗ trợ trung bình",
        "Thời gian chờ đến lượt được tổ hỗ trợ giúp đỡ.",
    ),
    "dossiers_received": (
        "Hồ sơ tiếp nhận",
        "Hồ sơ tiếp nhận trong giai đoạn: tại quầy, trực tuyến và trực tuyến có hỗ trợ.",
    ),
    "dossiers_online": (
        "Hồ sơ tiếp nhận trực tuyến",
        "Hồ sơ nhận qua dịch vụ công trực tuyến, kể cả hồ sơ được tổ hỗ trợ giúp nộp.",
    ),
    "dossiers_completed": (
        "Hồ sơ đã giải quyết xong",
        "Hồ sơ tiếp nhận trong giai đoạn đã giải quyết xong trước khi giai đoạn kết thúc.",
    ),
    "on_time_rate": (
        "Tỷ lệ hồ sơ đúng hạn",
        "Theo cách tính của Cổng Dịch vụ công: hồ sơ xong trước "
        "hoặc đúng ngày hẹn, cộng hồ sơ đang giải quyết còn trong hạn, trên số hồ sơ tiếp "
        "nhận; yêu cầu bổ sung lần thứ hai bị tính là trễ hạn.",
    ),
    "early_rate": ("Tỷ lệ hồ sơ trước hạn", "Tỷ lệ hồ sơ giải quyết xong trước ngày hẹn trả kết quả."),
    "late_dossiers": (
        "Hồ sơ trễ hạn",
        "Hồ sơ tiếp nhận trong giai đoạn bị trễ hạn: xong muộn, quá hạn "
        "chưa xong, hoặc phải bổ sung lần thứ hai.",
    ),
    "processing_days_mean": (
        "Thời gian giải quyết trung bình",
        "Số ngày (theo lịch) từ khi tiếp nhận đến khi giải quyết xong, với các hồ sơ đã xong.",
    ),
    "backlog_end": ("Hồ sơ tồn cuối giai đoạn", "Hồ sơ còn đang giải quyết khi giai đoạn kết thúc."),
    "apology_slips": (
        "Phiếu xin lỗi và hẹn lại",
        "Số phiếu xin lỗi và hẹn lại ngày trả kết quả đã phát cho hồ sơ quá ngày hẹn.",
    ),
    "dossiers_fee_bearing": (
        "Hồ sơ có phí, lệ phí",
        "Hồ sơ tiếp nhận trong giai đoạn có nghĩa vụ tài chính (phí, lệ phí).",
    ),
    "online_payment_rate": (
        "Tỷ lệ thanh toán trực tuyến",
        "Tỷ lệ hồ sơ có phí, lệ phí được thanh toán "
        "trực tuyến (thành phần A của điểm thanh toán trực tuyến, Chỉ số 766).",
    ),
    "back_office_utilisation": (
        "Mức độ sử dụng năng lực xử lý hồ sơ",
        "Khối lượng xử lý hồ sơ đã làm trên năng lực xử lý hồ sơ hiện có (tỷ lệ thời gian).",
    ),
    "score_progress_766": (
        "Điểm tiến độ giải quyết (Chỉ số 766)",
        "Nhóm chỉ số tiến độ, tối đa 20 "
        "điểm = 20 × tỷ lệ đúng hạn; công thức suy ra từ dữ liệu Cổng, không chính "
        "thức.",
    ),
    "score_handling_satisfaction_766": (
        "Điểm hài lòng về giải quyết hồ sơ (Chỉ số 766)",
        "Tối đa 6 "
        "điểm = 6 × min(1, (tỷ lệ đúng hạn − tỷ lệ phản ánh) / 0,9); "
        "công thức suy ra từ dữ liệu Cổng, không chính thức.",
    ),
    "staff_utilisation": ("Mức độ bận", "Tỷ lệ thời gian bận tiếp người dân trên thời gian có mặt tại quầy."),
}

_KPI_EN: dict[str, tuple[str, str]] = {
    "visitors_arrived": (
        "Visits to the centre",
        "Arrivals at the centre; a visitor sent home who comes back counts again.",
    ),
    "visitors_served": (
        "Visits served",
        "Visits that ended in service at a counter, by the support team or at the lookup PC.",
    ),
    "visitors_reneged": (
        "Visitors who gave up waiting",
        "Visitors holding a number who ran out of patience and left before being called.",
    ),
    "visitors_balked": (
        "Visitors put off by the queue",
        "Visitors who left on arrival on seeing a long queue.",
    ),
    "visitors_sent_home": (
        "Visitors sent home at closing",
        "Visitors still waiting at closing, asked to come back the next working day.",
    ),
    "visitors_in_system_end": (
        "Visitors still present at the end",
        "Visitors still at the centre when the simulated period ends.",
    ),
    "visitors_served_counter": (
        "Visits served at a counter",
        "Visits handled by a member of staff at a counter.",
    ),
    "visitors_served_support": (
        "Visits completed by the support team",
        "Visits that ended with the support team filing the dossier online.",
    ),
    "visitors_served_lookup": (
        "Visits to the lookup PC only",
        "Visits made only to look something up at the lookup PC.",
    ),
    "dossiers_submitted_counter": (
        "Dossiers handed in at a counter",
        "Dossiers citizens handed in at a counter.",
    ),
    "dossiers_submitted_online_support": (
        "Dossiers filed online with help",
        "Dossiers filed online with the support team's help.",
    ),
    "wait_mean_min": (
        "Mean waiting time",
        "From joining the ticket line (on arrival, or after the lookup "
        "PC or the support team) to the counter call, averaged over all visits.",
    ),
    "wait_p50_min": ("Median waiting time", "Half of the visitors wait no longer than this."),
    "wait_p90_min": (
        "Waiting time for 90% of visitors",
        "90% of visitors are called to the counter within this time (90th percentile).",
    ),
    "wait_p95_min": (
        "Waiting time for 95% of visitors",
        "95% of visitors are called to the counter within this time (95th percentile).",
    ),
    "wait_max_min": ("Longest wait", "The longest wait in the period."),
    "wait_within_target": (
        "Share waiting within the threshold",
        "Share of counter visitors called within the scenario's waiting-time threshold.",
    ),
    "queue_mean": ("Mean number waiting", "People waiting for a counter, time average over opening hours."),
    "queue_max": (
        "Most people waiting at once",
        "The largest number of people waiting for a counter at the same time.",
    ),
    "overtime_min_per_day": (
        "Overtime per working day",
        "Minutes staff keep serving at the counter "
        "past the end of a session (into the lunch break and after closing), "
        "summed over staff, per working day.",
    ),
    "overtime_lunch_min_per_day": (
        "Lunch overtime per working day",
        "Minutes staff keep serving at "
        "the counter after the morning session ends, into the lunch break, "
        "summed over staff, per working day.",
    ),
    "overtime_close_min_per_day": (
        "Closing overtime per working day",
        "Minutes staff keep serving at "
        "the counter after the day's closing time, summed over staff, per "
        "working day.",
    ),
    "staff_utilisation_mean": (
        "Staff utilisation at the counter",
        "Share of counter-present time "
        "staff spend serving, averaged over staff (counter only; see the "
        "busy share of working time).",
    ),
    "staff_busy_share": (
        "Busy share of working time",
        "Share of working time staff are busy: serving "
        "at the counter, processing dossiers and writing numbers by hand, over "
        "time at work (sessions not on leave or in a meeting, covered lunch breaks "
        "and overtime); averaged over staff. Only work the model represents counts, "
        "not meetings or leaders' other duties. Desk work runs beside the counter, "
        "so above 100% means the person is over-committed.",
    ),
    "staff_busy_counter_share": (
        "Part serving at the counter",
        "Part of the busy share of working time spent serving at the counter.",
    ),
    "staff_busy_back_office_share": (
        "Part processing dossiers",
        "Part of the busy share of working time spent on back-office dossier work.",
    ),
    "staff_busy_manual_share": (
        "Part writing numbers by hand",
        "Part of the busy share of working time spent writing numbers by hand while no ticket machine works.",
    ),
    "ticket_machine_utilisation": (
        "Ticket machine utilisation",
        "Share of issuing hours the ticket machine is printing tickets.",
    ),
    "ticket_machine_down_min": (
        "Time with no ticket machine working",
        "Minutes of issuing hours with "
        "no ticket machine working (out of order or out of paper); with one "
        "machine, its own down time. Each machine's down time is reported "
        "apart, not summed.",
    ),
    "ticket_machine_out_min": (
        "Ticket machine out of service",
        "Minutes of issuing hours each ticket "
        "machine was out of order or out of paper (both at once counted "
        "once).",
    ),
    "lookup_pc_utilisation": ("Lookup PC utilisation", "Share of opening hours the lookup PC is in use."),
    "support_team_utilisation": (
        "Support team utilisation",
        "Share of the support team's hours spent helping citizens.",
    ),
    "support_wait_mean_min": (
        "Mean wait for the support team",
        "Waiting time until a support team member is free to help.",
    ),
    "dossiers_received": (
        "Dossiers received",
        "Dossiers received in the period: at the counter, online, and online with help.",
    ),
    "dossiers_online": (
        "Dossiers received online",
        "Dossiers received through the online channel, including those filed with the support team's help.",
    ),
    "dossiers_completed": (
        "Dossiers completed",
        "Dossiers received in the period and completed before it ends.",
    ),
    "on_time_rate": (
        "On-time rate",
        "The national portal's definition: finished on or before the "
        "appointment date, plus those still in progress within it, over dossiers "
        "received; a second request for missing papers counts as late.",
    ),
    "early_rate": ("Share finished early", "Share of dossiers finished before their appointment date."),
    "late_dossiers": (
        "Late dossiers",
        "Dossiers received in the period that are late: finished late, "
        "overdue, or with a second request for missing papers.",
    ),
    "processing_days_mean": (
        "Mean processing time",
        "Calendar days from reception to the end of processing, for completed dossiers.",
    ),
    "backlog_end": (
        "Dossiers in progress at the end",
        "Dossiers still being processed when the period ends.",
    ),
    "apology_slips": (
        "Apology and new-appointment slips",
        "Slips issued for dossiers still open after their appointment date.",
    ),
    "dossiers_fee_bearing": (
        "Fee-bearing dossiers",
        "Dossiers received in the period that carry a fee or charge.",
    ),
    "online_payment_rate": (
        "Online payment rate",
        "Share of fee-bearing dossiers paid online (part A of the 766 online-payment score).",
    ),
    "back_office_utilisation": (
        "Back-office utilisation",
        "Dossier work done over the back office's capacity (share of time).",
    ),
    "score_progress_766": (
        "766 index: progress score",
        "Progress group, at most 20 points = 20 × on-time "
        "rate; formula inferred from portal data, unofficial.",
    ),
    "score_handling_satisfaction_766": (
        "766 index: handling satisfaction score",
        "At most 6 points = 6 × "
        "min(1, (on-time share − complaint share) / 0.9); formula "
        "inferred from portal data, unofficial.",
    ),
    "staff_utilisation": ("Utilisation", "Share of counter-present time spent serving."),
}


def _kpi_messages(table: dict[str, tuple[str, str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, (name, help_text) in table.items():
        out[f"kpi.{key}"] = name
        out[f"kpi.{key}.help"] = help_text
    return out


# ----- the message catalogue ---------------------------------------------------------------------

_VI: dict[str, str] = {
    # page
    "title.run": "Báo cáo mô phỏng: {scenario}",
    "title.compare": "Báo cáo so sánh phương án: {scenario}",
    "prepared": "Lập ngày {date} bằng centre-sim {version}",
    "section.question": "Câu hỏi",
    "section.answer": "Trả lời",
    "section.scenario": "Kịch bản mô phỏng",
    "section.scenarios": "Các phương án và điểm khác nhau",
    "section.results": "Kết quả",
    "section.targets": "Đánh giá mục tiêu",
    "section.estimates": "Các giả định là ước tính",
    "section.repro": "Thông tin để tái lập kết quả",
    "section.appendix": "Phụ lục: toàn bộ chỉ tiêu",
    "section.figures": "Phụ lục: biểu đồ",
    # the question
    "question.run": "Với kịch bản “{scenario}”, trung tâm hoạt động thế nào trong giai đoạn {start} – {end}?",
    "question.compare": "Điều gì thay đổi nếu áp dụng {alternatives} thay cho “{base}”?",
    "question.or": " hoặc ",
    "question.base": "Phương án cơ sở",
    "question.alternative": "Phương án so sánh",
    # the answer
    "answer.run.intro": "Kết quả trung bình của {replications} lần mô phỏng giai đoạn {start} – {end} "
    "({days} ngày làm việc), kèm khoảng tin cậy 95%:",
    "answer.run.item": "{kpi}: {value} (khoảng tin cậy 95%: {ci})",
    "answer.run.item_noci": "{kpi}: {value} (chưa có khoảng tin cậy)",
    "answer.clause.down": "{kpi} giảm {amount} (khoảng tin cậy 95%: {ci})",
    "answer.clause.up": "{kpi} tăng {amount} (khoảng tin cậy 95%: {ci})",
    "answer.clause.same": "{kpis} không thay đổi rõ rệt",
    "answer.clause.same_many": "{kpis} không thay đổi rõ rệt",
    "answer.clause.small": "{clause}, nhỏ hơn mức chênh lệch đáng kể ({mid})",
    "answer.clause.maybe_small": "{clause}, có thể chưa đạt mức chênh lệch đáng kể ({mid})",
    "list.and": " và ",
    "answer.clause.noci": "{kpi} chênh lệch {amount} (chưa có khoảng tin cậy: cần ít nhất 2 lần mô phỏng)",
    "answer.clause.nodata": "{kpi}: không đủ số liệu để so sánh",
    "answer.tally": "Tóm lại, trên {total} chỉ tiêu chính: {parts}.",
    "answer.tally.part": "{verdict} ở {n}",
    "answer.targets": "Mục tiêu của “{scenario}”: đạt {met}/{total}, không đạt {not_met}, chưa kết luận "
    "được {undecided}.",
    "answer.no_targets": "Kịch bản không đặt mục tiêu nào.",
    "answer.note.run": "Mỗi con số là trung bình của {replications} lần mô phỏng với cùng điều kiện; "
    "khoảng tin cậy 95% cho biết mức độ không chắc chắn của con số đó. Kết quả dựa "
    "trên nhiều giả định là ước tính (xem mục “Các giả định là ước tính”).",
    "answer.note.compare": "Mỗi phương án được mô phỏng {replications} lần với cùng một dòng người dân đến "
    "(so sánh theo cặp). Một chênh lệch được coi là rõ rệt khi khoảng tin cậy "
    "của nó không chứa 0, và là đáng kể khi cả khoảng tin cậy vượt quá mức "
    "chênh lệch tối thiểu đáng kể của chỉ tiêu (mặc định 1 phút chờ trung bình, 2 "
    "phút với thời gian chờ của 90% người dân, 1 điểm phần trăm, 1 hồ sơ trễ hạn; "
    "có thể đặt lại trong kịch bản). Các khoảng tin cậy "
    "của chênh lệch là khoảng đồng thời "
    "{confidence} cho cả {comparisons} phép so sánh (hiệu chỉnh Bonferroni, mỗi "
    "khoảng ở mức {adjusted}); từng chênh lệch và khoảng tin cậy của nó có trong "
    "mục “Kết quả”. Kết quả dựa trên nhiều giả định là ước tính.",
    "answer.one_rep": "Chỉ có 1 lần mô phỏng nên chưa có khoảng tin cậy; cần ít nhất 2 lần (nên từ 20 "
    "lần trở lên khi ra quyết định).",
    # console (python -m sim run / compare)
    "console.run.header": "Kịch bản {name}: {n} lần mô phỏng, hạt giống ngẫu nhiên {seed}, mỗi lần "
    "{days} ngày làm việc",
    "console.run.header.one": "Kịch bản {name}: {n} lần mô phỏng, hạt giống ngẫu nhiên {seed}, "
    "{days} ngày làm việc",
    "console.staff_time.title": "Thời gian làm việc của cán bộ: tỷ lệ thời gian bận = tiếp nhận tại "
    "quầy + giải quyết hồ sơ + cấp số thủ công",
    "console.staff_time.person": "cán bộ",
    "console.staff_time.total": "tổng",
    "console.staff_time.ci": "KTC 95%",
    "console.staff_time.counter": "tại quầy",
    "console.staff_time.back_office": "xử lý hồ sơ",
    "console.staff_time.manual": "cấp số",
    "console.staff_time.all": "chung (trung bình)",
    "console.running": "Đang mô phỏng {n} lần kịch bản {name}…",
    "console.running.compare": "Đang mô phỏng {scenarios} phương án, mỗi phương án {n} lần…",
    "console.running.auto": "Đang mô phỏng {scenarios} phương án, số lần mô phỏng tự chọn…",
    "console.written": "Đã ghi kết quả vào {folder}",
    "console.answer": "TRẢ LỜI",
    "console.answer.kpis": "Chỉ tiêu chính (trung bình, khoảng tin cậy 95%):",
    "console.full_table": "BẢNG ĐẦY ĐỦ",
    "console.col.kpi": "Chỉ tiêu",
    "console.col.mean": "trung bình",
    "console.col.ci": "KTC 95%",
    "console.no_data": "(không có số liệu)",
    "console.partial": "(n=…: số lần mô phỏng có số liệu của chỉ tiêu, ví dụ có người dân đến quầy)",
    "console.targets.title": "Mục tiêu (theo khoảng tin cậy 95%: đạt / không đạt / chưa kết luận được):",
    "console.target.detail": "trung bình {mean}, KTC {ci}",
    "console.targets.tally": "Mục tiêu: đạt {met}/{total}, không đạt {not_met}, chưa kết luận được "
    "{undecided} (chi tiết ở phần trả lời phía trên)",
    "console.backlog.warmup": "Giải quyết hồ sơ: chạy trước {days} ngày làm việc{extra} (số liệu tính "
    "từ {start})",
    "console.backlog.given": " cùng số hồ sơ tồn cho trước",
    "console.backlog.empty": "Giải quyết hồ sơ: bắt đầu không có hồ sơ tồn (ngày {start})",
    "console.backlog.from": "Giải quyết hồ sơ: bắt đầu với hồ sơ tồn ngày {start}: {parts}",
    "console.backlog.part": "{n} hồ sơ {field}",
    "console.compare.header.one": "So sánh phương án với phương án cơ sở {base}, mỗi phương án {n} lần "
    "mô phỏng theo cặp (hạt giống ngẫu nhiên {seed}, cùng dòng người dân "
    "đến)",
    "console.compare.header": "So sánh {alternatives} phương án với phương án cơ sở {base}, mỗi phương "
    "án {n} lần mô phỏng theo cặp (hạt giống ngẫu nhiên {seed}, cùng dòng "
    "người dân đến)",
    "console.compare.intervals": "Chênh lệch = phương án − cơ sở; khoảng tin cậy đồng thời {confidence} "
    "(hiệu chỉnh Bonferroni cho {comparisons} phép so sánh: mỗi khoảng "
    "{adjusted}).",
    "console.compare.against": "{alternative} so với {base}:",
    "console.compare.verdict": "{verdict}: {kpi} {diff} {ci}",
    "console.compare.band": "(mức đáng kể ±{mid})",
    "console.compare.col.base": "cơ sở",
    "console.compare.col.alternative": "phương án",
    "console.compare.col.difference": "chênh lệch [KTC hiệu chỉnh]",
    "console.compare.col.verdict": "kết luận",
    "console.compare.not_reported": "không có số liệu",
    "console.compare.no_keys": "(phương án cơ sở không có chỉ tiêu chính nào)",
    "console.compare.targets": "Mục tiêu của từng phương án (theo khoảng tin cậy 95% của chính nó: đạt "
    "/ không đạt / chưa kết luận được):",
    "console.compare.no_targets": "{scenario}{role}: không đặt mục tiêu",
    "console.compare.base_role": " (cơ sở)",
    "console.compare.no_interval": "[chưa có khoảng tin cậy]",
    "console.replications": "Số lần mô phỏng: {n} cho mỗi phương án ({rule})",
    "console.rule.fixed": "số cố định",
    "console.rule.auto_met": "tự động: dừng khi mọi chênh lệch chính đủ chính xác",
    "console.rule.auto_cap": "tự động: dừng ở mức tối đa, còn {unmet} chênh lệch chưa đủ chính xác",
    # verdicts
    "verdict.better": "tốt hơn",
    "verdict.better, maybe not enough to matter": "tốt hơn, có thể chưa đáng kể",
    "verdict.better, but too small to matter": "tốt hơn nhưng không đáng kể",
    "verdict.worse": "kém hơn",
    "verdict.worse, maybe enough to matter": "kém hơn, có thể đáng kể",
    "verdict.worse, but too small to matter": "kém hơn nhưng không đáng kể",
    "verdict.no detectable difference": "không có khác biệt rõ rệt",
    "verdict.neutral": "không đánh giá",
    "target.met": "đạt",
    "target.not met": "không đạt",
    "target.undecided": "chưa kết luận được",
    "target.legend": "Cách kết luận: “đạt” khi cả khoảng tin cậy 95% thỏa mục tiêu; “không đạt” khi cả "
    "khoảng tin cậy vi phạm mục tiêu; “chưa kết luận được” khi khoảng tin cậy chứa "
    "ngưỡng — cần thêm lần mô phỏng hoặc kết quả sát ngưỡng.",
    # scenarios
    "scenario.name": "Mã kịch bản",
    "scenario.title": "Tên",
    "scenario.description": "Mô tả",
    "scenario.centre": "Trung tâm",
    "scenario.window": "Giai đoạn",
    "scenario.window_value": "{start} – {end} ({days} ngày làm việc)",
    "scenario.staff": "Cán bộ",
    "scenario.staff_value": "{total} người: {roles}",
    "scenario.equipment": "Thiết bị",
    "scenario.equipment_value": "{machines} máy lấy số, {pcs} máy tra cứu",
    "scenario.support": "Tổ hỗ trợ",
    "scenario.support_value": "{members} thành viên",
    "scenario.back_office": "Giải quyết hồ sơ",
    "scenario.back_office_yes": "có mô phỏng",
    "scenario.back_office_no": "không mô phỏng",
    "scenario.role": "Vai trò",
    "diff.heading": "Điểm khác của “{alternative}” so với “{base}”",
    "diff.none": "Không có tham số nào khác với phương án cơ sở (ngoài tên và mô tả).",
    "diff.more": "… và {count} tham số khác nữa.",
    "diff.intro": "Các tham số dưới đây lấy từ kịch bản sau khi điền giá trị mặc định; tên, mô tả và "
    "thiết lập chạy không được liệt kê.",
    "diff.section": "Phần",
    "diff.key": "Tham số",
    "diff.absent": "(không có)",
    "diff.present": "có",
    "role.director": "Giám đốc",
    "machine.label": "máy số {n}",
    "role.deputy_director": "Phó giám đốc",
    "role.specialist": "Chuyên viên",
    "role.civil_servant": "Công chức",
    "role.other": "Cán bộ",
    "staff.role_field": "{role} lĩnh vực {field}",
    "part.scenario": "Thông tin kịch bản",
    "part.calendar": "Lịch làm việc",
    "part.demand": "Nhu cầu của người dân",
    "part.fields": "Lĩnh vực",
    "part.procedures": "Thủ tục",
    "part.staff": "Cán bộ",
    "part.equipment": "Thiết bị",
    "part.support_team": "Tổ hỗ trợ",
    "part.policies": "Quy định vận hành",
    "part.back_office": "Giải quyết hồ sơ",
    "part.online": "Hồ sơ trực tuyến",
    "part.targets": "Mục tiêu",
    "part.run": "Thiết lập chạy",
    "part.front": "Đón tiếp người dân tại quầy",
    "part.back": "Giải quyết hồ sơ",
    # results
    "results.intro.run": "Trung bình {replications} lần mô phỏng, khoảng tin cậy 95% trong ngoặc vuông.",
    "results.intro.compare": "Trung bình {replications} lần mô phỏng mỗi phương án, khoảng tin cậy 95% "
    "trong ngoặc vuông; chênh lệch so với phương án cơ sở kèm khoảng tin cậy "
    "đồng thời {confidence}.",
    "results.band": "Chênh lệch tối thiểu đáng kể: ±{mid}",
    "col.kpi": "Chỉ tiêu",
    "staff_time.title": "Thời gian làm việc của cán bộ",
    "staff_time.intro": "Phần thời gian làm việc mỗi cán bộ bận việc, gồm tiếp người dân tại quầy, xử "
    "lý hồ sơ và cấp số thủ công (ba phần cộng lại bằng tổng). Mức độ bận tại "
    "quầy riêng lẻ chỉ tính thời gian ngồi tại quầy nên không phản ánh hết công "
    "việc của cán bộ.",
    "staff_time.person": "Cán bộ",
    "staff_time.all": "Trung bình các cán bộ",
    "col.scenario": "Phương án",
    "col.mean": "Trung bình [KTC 95%]",
    "col.difference": "Chênh lệch so với cơ sở [KTC]",
    "col.verdict": "Kết luận",
    "col.target": "Mục tiêu",
    "col.value": "Giá trị",
    "col.note": "Ghi chú",
    "col.base": "cơ sở",
    "col.n": "{n}/{total} lần mô phỏng có số liệu",
    "figure.forest": "Chênh lệch so với phương án cơ sở ở các chỉ tiêu chính. Điểm là chênh lệch trung "
    "bình, vạch ngang là khoảng tin cậy đồng thời {confidence}; vạch cắt đường 0 nghĩa "
    "là chưa có khác biệt rõ rệt. Vùng tô xám là ± mức chênh lệch tối thiểu đáng kể: "
    "một chênh lệch nằm trong vùng này là quá nhỏ để tạo khác biệt cho người dân.",
    "figure.forest.band": "± mức chênh lệch tối thiểu đáng kể",
    "figure.forest.title": "Chênh lệch so với “{base}”",
    "figure.forest.axis": "chênh lệch ({unit})",
    "figure.wait_distribution": "Phân bố thời gian chờ đến lượt tại quầy.",
    "figure.wait_by_hour": "Thời gian chờ trung bình theo giờ đến.",
    "figure.queue_by_hour": "Số người chờ trung bình theo giờ trong ngày.",
    "figure.utilisation": "Tỷ lệ thời gian làm việc bận của từng cán bộ, chia theo tiếp người dân tại "
    "quầy, xử lý hồ sơ và cấp số thủ công; mức độ bận của từng thiết bị.",
    "figure.dossiers_weekly": "Hồ sơ tiếp nhận và giải quyết xong theo tuần.",
    "figure.backlog": "Hồ sơ đang giải quyết cuối mỗi ngày làm việc.",
    "figure.on_time_by_field": "Kết quả giải quyết hồ sơ theo lĩnh vực.",
    "figure.wait_by_hour_by_scenario": "Thời gian chờ trung bình theo giờ đến, từng phương án.",
    "figure.on_time_by_scenario": "Tỷ lệ hồ sơ đúng hạn của từng phương án, kèm khoảng tin cậy 95%.",
    "figure.of": "{caption} Phương án: {scenario}.",
    # targets
    "targets.none": "Không có mục tiêu nào được đặt trong kịch bản.",
    "targets.rule": "{kpi} {op} {value}",
    # estimates
    "estimates.intro": "Các tham số dưới đây là ước tính (không có nguồn số liệu), cần thay bằng số liệu "
    "thực tế của trung tâm khi có, ví dụ nhật ký máy lấy số. Kết quả phụ thuộc vào "
    "chúng. Ghi chú được trích nguyên văn từ tệp kịch bản.",
    "estimates.intro.compare": "Các ước tính của phương án cơ sở; các tham số thay đổi ở phương án so "
    "sánh được nêu ở mục “Các phương án và điểm khác nhau”.",
    "estimates.none": "Không tìm thấy danh sách giả định ước tính cho kịch bản này; xem tệp kịch bản "
    "(các dòng ghi ESTIMATE) và tài liệu docs/assumptions.md.",
    "estimates.more": "… và {count} ước tính khác (xem tệp kịch bản).",
    # reproducibility
    "repro.intro": "Chạy lại lệnh dưới đây với cùng phiên bản sẽ cho đúng các con số trong báo cáo.",
    "repro.command": "Lệnh",
    "repro.command_rerun": "{command}   (kịch bản đã chạy được lưu trong thư mục kết quả: scenario.toml)",
    "repro.no_command": "không ghi nhận",
    "repro.seed": "Hạt giống ngẫu nhiên (seed)",
    "repro.replications": "Số lần mô phỏng",
    "repro.rule": "Cách chọn số lần mô phỏng",
    "repro.rule_fixed": "cố định: {replications} lần",
    "repro.confidence": "Mức tin cậy",
    "repro.version": "Phiên bản centre-sim",
    "repro.python": "Python và thư viện",
    "repro.created": "Thời điểm chạy",
    "repro.report_date": "Ngày lập báo cáo",
    "repro.scenarios": "Kịch bản",
    # appendix
    "appendix.intro": "Mọi chỉ tiêu mô hình tính được, trung bình [khoảng tin cậy 95%]. Các dòng có tên "
    "trong ngoặc là chỉ tiêu chi tiết theo lĩnh vực hoặc theo cán bộ.",
    "appendix.nodata": "không có số liệu",
    # units
    "unit.minutes": "phút",
    "unit.days": "ngày",
    "unit.visitors": "lượt",
    "unit.visitors.one": "lượt",
    "unit.dossiers": "hồ sơ",
    "unit.dossiers.one": "hồ sơ",
    "unit.slips": "phiếu",
    "unit.slips.one": "phiếu",
    "unit.people": "người",
    "unit.people.one": "người",
    "unit.points": "điểm",
    "unit.pp": "điểm phần trăm",
    "unit.pp.one": "điểm phần trăm",
    "unit.pp_short": "điểm %",
    "unit.replications": "lần mô phỏng",
    # number and range formats
    "range.dash": "{low}–{high}",
    "range.wide": "từ {low} đến {high}",
    "ci.brackets": "[{low}; {high}]",
    "ci.none": "không có",
    "score": "{value}/{max} điểm",
    "na": "–",
}

_EN: dict[str, str] = {
    "title.run": "Simulation report: {scenario}",
    "title.compare": "Scenario comparison report: {scenario}",
    "prepared": "Prepared on {date} with centre-sim {version}",
    "section.question": "The question",
    "section.answer": "The answer",
    "section.scenario": "The scenario",
    "section.scenarios": "The scenarios and what differs",
    "section.results": "Results",
    "section.targets": "Target verdicts",
    "section.estimates": "Assumptions that are estimates",
    "section.repro": "Reproducibility",
    "section.appendix": "Appendix: all indicators",
    "section.figures": "Appendix: charts",
    "question.run": "How does “{scenario}” perform from {start} to {end}?",
    "question.compare": "What changes if {alternatives} replaces “{base}”?",
    "question.or": " or ",
    "question.base": "Base scenario",
    "question.alternative": "Alternative",
    "answer.run.intro": "Mean of {replications} simulation runs of {start} – {end} ({days} working days), "
    "with 95% confidence intervals:",
    "answer.run.item": "{kpi}: {value} (95% confidence interval: {ci})",
    "answer.run.item_noci": "{kpi}: {value} (no confidence interval yet)",
    "answer.clause.down": "{kpi} falls by {amount} (95% confidence interval: {ci})",
    "answer.clause.up": "{kpi} rises by {amount} (95% confidence interval: {ci})",
    "answer.clause.same": "{kpis} shows no clear change",
    "answer.clause.same_many": "{kpis} show no clear change",
    "answer.clause.small": "{clause}, less than the smallest difference that matters ({mid})",
    "answer.clause.maybe_small": "{clause}, perhaps less than the smallest difference that matters ({mid})",
    "list.and": " and ",
    "answer.clause.noci": "{kpi} differs by {amount} (no confidence interval: at least 2 runs are needed)",
    "answer.clause.nodata": "{kpi}: not enough data to compare",
    "answer.tally": "In short, on {total} key indicators: {parts}.",
    "answer.tally.part": "{verdict} on {n}",
    "answer.targets": "Targets of “{scenario}”: {met}/{total} met, {not_met} not met, {undecided} undecided.",
    "answer.no_targets": "The scenario sets no targets.",
    "answer.note.run": "Each figure is the mean of {replications} simulation runs under the same "
    "conditions; the 95% confidence interval shows how uncertain it is. The results "
    "rest on many assumptions that are estimates (see “Assumptions that are "
    "estimates”).",
    "answer.note.compare": "Each scenario was simulated {replications} times with the same stream of "
    "arriving visitors (a paired comparison). A difference counts as clear when "
    "its confidence interval excludes 0, and as important when the whole "
    "interval lies beyond the indicator's minimum important difference (by "
    "default 1 minute of mean wait, 2 minutes of the 90th percentile, 1 "
    "percentage point, 1 late dossier; the scenario can set its own). The "
    "intervals of the differences hold "
    "jointly at {confidence} for all {comparisons} comparisons (Bonferroni "
    "adjustment, {adjusted} each); each difference with its interval is under "
    "“Results”. The results rest on many assumptions that are estimates.",
    "answer.one_rep": "With a single run there is no confidence interval; run at least 2 (20 or more for "
    "decisions).",
    # console (python -m sim run / compare)
    "console.run.header": "Scenario {name}: {n} replications, seed {seed}, {days} working days each",
    "console.run.header.one": "Scenario {name}: {n} replication, seed {seed}, {days} working days each",
    "console.staff_time.title": "Staff time: busy share of time at work = counter + back office + "
    "manual numbers",
    "console.staff_time.person": "person",
    "console.staff_time.total": "total",
    "console.staff_time.ci": "95% CI",
    "console.staff_time.counter": "counter",
    "console.staff_time.back_office": "back office",
    "console.staff_time.manual": "manual",
    "console.staff_time.all": "all (mean)",
    "console.running": "Running {n} replications of {name}…",
    "console.running.compare": "Running {scenarios} scenarios, {n} replications each…",
    "console.running.auto": "Running {scenarios} scenarios, replications chosen automatically…",
    "console.written": "Results written to {folder}",
    "console.answer": "ANSWER",
    "console.answer.kpis": "Headline KPIs (mean, 95% CI):",
    "console.full_table": "FULL TABLE",
    "console.col.kpi": "KPI",
    "console.col.mean": "mean",
    "console.col.ci": "95% CI",
    "console.no_data": "(no data)",
    "console.partial": "(n=…: replications in which the KPI was defined, e.g. had counter visitors)",
    "console.targets.title": "Targets (judged on the 95% CI: met / not met / undecided):",
    "console.target.detail": "mean {mean}, CI {ci}",
    "console.targets.tally": "Targets: {met}/{total} met, {not_met} not met, {undecided} undecided "
    "(details in the answer above)",
    "console.backlog.warmup": "Back office: a warm-up of {days} working days{extra} (statistics from "
    "{start} on)",
    "console.backlog.given": " plus a given backlog",
    "console.backlog.empty": "Back office: starts empty (no dossiers in progress on {start})",
    "console.backlog.from": "Back office: starts from a given backlog on {start}: {parts}",
    "console.backlog.part": "{n} {field}",
    "console.compare.header": "Comparison: {alternatives} alternatives against the base {base}, {n} "
    "paired replications each (seed {seed}, common random numbers)",
    "console.compare.header.one": "Comparison: 1 alternative against the base {base}, {n} paired "
    "replications each (seed {seed}, common random numbers)",
    "console.compare.intervals": "Differences are alternative − base; intervals are {confidence} "
    "family-wise (Bonferroni over {comparisons} comparisons: {adjusted} "
    "each).",
    "console.compare.against": "{alternative} against {base}:",
    "console.compare.verdict": "{verdict}: {kpi} {diff} {ci}",
    "console.compare.band": "(matters from ±{mid})",
    "console.compare.col.base": "base",
    "console.compare.col.alternative": "alternative",
    "console.compare.col.difference": "difference [adjusted CI]",
    "console.compare.col.verdict": "verdict",
    "console.compare.not_reported": "not reported",
    "console.compare.no_keys": "(no key KPIs reported by the base)",
    "console.compare.targets": "Targets (each scenario on its own 95% CI: met / not met / undecided):",
    "console.compare.no_targets": "{scenario}{role}: no targets",
    "console.compare.base_role": " (base)",
    "console.compare.no_interval": "[no interval]",
    "console.replications": "Replications: {n} per scenario ({rule})",
    "console.rule.fixed": "fixed",
    "console.rule.auto_met": "auto: every key difference precise enough",
    "console.rule.auto_cap": "auto: stopped at the cap; {unmet} key differences not yet precise enough",
    "verdict.better": "better",
    "verdict.better, maybe not enough to matter": "better, maybe not enough to matter",
    "verdict.better, but too small to matter": "better, but too small to matter",
    "verdict.worse": "worse",
    "verdict.worse, maybe enough to matter": "worse, maybe enough to matter",
    "verdict.worse, but too small to matter": "worse, but too small to matter",
    "verdict.no detectable difference": "no detectable difference",
    "verdict.neutral": "not judged",
    "target.met": "met",
    "target.not met": "not met",
    "target.undecided": "undecided",
    "target.legend": "How verdicts are reached: “met” when the whole 95% confidence interval satisfies "
    "the target; “not met” when the whole interval violates it; “undecided” when the "
    "interval contains the threshold — more runs are needed, or the result is close to "
    "the threshold.",
    "scenario.name": "Scenario id",
    "scenario.title": "Title",
    "scenario.description": "Description",
    "scenario.centre": "Centre",
    "scenario.window": "Period",
    "scenario.window_value": "{start} – {end} ({days} working days)",
    "scenario.staff": "Staff",
    "scenario.staff_value": "{total}: {roles}",
    "scenario.equipment": "Equipment",
    "scenario.equipment_value": "{machines} ticket machine(s), {pcs} lookup PC(s)",
    "scenario.support": "Support team",
    "scenario.support_value": "{members} member(s)",
    "scenario.back_office": "Dossier processing",
    "scenario.back_office_yes": "simulated",
    "scenario.back_office_no": "not simulated",
    "scenario.role": "Role",
    "diff.heading": "How “{alternative}” differs from “{base}”",
    "diff.none": "No parameter differs from the base scenario (apart from names and descriptions).",
    "diff.more": "… and {count} more parameters.",
    "diff.intro": "Parameters as run, with every default filled in; names, descriptions and run settings "
    "are not listed.",
    "diff.section": "Part",
    "diff.key": "Parameter",
    "diff.absent": "(none)",
    "diff.present": "present",
    "role.director": "Director",
    "machine.label": "machine {n}",
    "role.deputy_director": "Deputy director",
    "role.specialist": "Specialist",
    "role.civil_servant": "Civil servant",
    "role.other": "Staff member",
    "staff.role_field": "{role}, {field}",
    "part.scenario": "Scenario details",
    "part.calendar": "Calendar",
    "part.demand": "Demand",
    "part.fields": "Fields",
    "part.procedures": "Procedures",
    "part.staff": "Staff",
    "part.equipment": "Equipment",
    "part.support_team": "Support team",
    "part.policies": "Policies",
    "part.back_office": "Dossier processing",
    "part.online": "Online dossiers",
    "part.targets": "Targets",
    "part.run": "Run settings",
    "part.front": "Front office",
    "part.back": "Back office (dossiers)",
    "results.intro.run": "Mean of {replications} simulation runs, 95% confidence interval in brackets.",
    "results.intro.compare": "Mean of {replications} simulation runs per scenario, 95% confidence "
    "interval in brackets; the difference from the base scenario with its "
    "joint {confidence} confidence interval.",
    "results.band": "Smallest difference that matters: ±{mid}",
    "col.kpi": "Indicator",
    "staff_time.title": "Staff working time",
    "staff_time.intro": "The share of each person's time at work spent busy: serving at the counter, "
    "processing dossiers and writing numbers by hand (the three parts add up to "
    "the total). Counter utilisation alone counts only time at the counter, so it "
    "leaves out most of the work of staff who also process dossiers.",
    "staff_time.person": "Member of staff",
    "staff_time.all": "Average over staff",
    "col.scenario": "Scenario",
    "col.mean": "Mean [95% CI]",
    "col.difference": "Difference from base [CI]",
    "col.verdict": "Verdict",
    "col.target": "Target",
    "col.value": "Value",
    "col.note": "Note",
    "col.base": "base",
    "col.n": "data in {n} of {total} runs",
    "figure.forest": "Differences from the base scenario on the key indicators. Dots are mean "
    "differences, lines the joint {confidence} confidence intervals; a line crossing 0 "
    "means no detectable difference. The grey band is ± the minimum important "
    "difference: a difference inside it is too small to matter to people waiting.",
    "figure.forest.band": "± minimum important difference",
    "figure.forest.title": "Difference from “{base}”",
    "figure.forest.axis": "difference ({unit})",
    "figure.wait_distribution": "Distribution of the wait for the counter.",
    "figure.wait_by_hour": "Mean wait by hour of arrival.",
    "figure.queue_by_hour": "Mean number waiting by hour of day.",
    "figure.utilisation": "Each member of staff's busy share of time at work, split into counter, "
    "back office and manual numbers; the utilisation of each piece of equipment.",
    "figure.dossiers_weekly": "Dossiers received and completed per week.",
    "figure.backlog": "Dossiers in progress at the end of each working day.",
    "figure.on_time_by_field": "Dossier outcomes by field.",
    "figure.wait_by_hour_by_scenario": "Mean wait by hour of arrival, each scenario.",
    "figure.on_time_by_scenario": "On-time rate of each scenario, with its 95% confidence interval.",
    "figure.of": "{caption} Scenario: {scenario}.",
    "targets.none": "The scenario sets no targets.",
    "targets.rule": "{kpi} {op} {value}",
    "estimates.intro": "The parameters below are estimates (no source was found); replace them with the "
    "centre's own data when available, for example ticket-machine logs. The results "
    "depend on them. Notes are quoted from the scenario file.",
    "estimates.intro.compare": "Estimates of the base scenario; parameters changed in an alternative "
    "are listed under “The scenarios and what differs”.",
    "estimates.none": "No list of estimated assumptions was found for this scenario; see the scenario "
    "file (lines marked ESTIMATE) and docs/assumptions.md.",
    "estimates.more": "… and {count} more estimates (see the scenario file).",
    "repro.intro": "Rerunning the command below with the same version gives exactly the figures in this "
    "report.",
    "repro.command": "Command",
    "repro.command_rerun": "{command}   (the scenario as run is saved in the results folder as "
    "scenario.toml)",
    "repro.no_command": "not recorded",
    "repro.seed": "Random seed",
    "repro.replications": "Simulation runs (replications)",
    "repro.rule": "How the number of runs was chosen",
    "repro.rule_fixed": "fixed: {replications} runs",
    "repro.confidence": "Confidence level",
    "repro.version": "centre-sim version",
    "repro.python": "Python and libraries",
    "repro.created": "Run at",
    "repro.report_date": "Report prepared on",
    "repro.scenarios": "Scenarios",
    "appendix.intro": "Every indicator the model computes, mean [95% confidence interval]. Names with a "
    "part in brackets are breakdowns by field or by member of staff.",
    "appendix.nodata": "no data",
    "unit.minutes": "min",
    "unit.days": "days",
    "unit.visitors": "visitors",
    "unit.visitors.one": "visitor",
    "unit.dossiers": "dossiers",
    "unit.dossiers.one": "dossier",
    "unit.slips": "slips",
    "unit.slips.one": "slip",
    "unit.people": "people",
    "unit.people.one": "person",
    "unit.points": "points",
    "unit.pp": "percentage points",
    "unit.pp.one": "percentage point",
    "unit.pp_short": "% points",
    "unit.replications": "runs",
    "range.dash": "{low}–{high}",
    "range.wide": "{low} to {high}",
    "ci.brackets": "[{low}, {high}]",
    "ci.none": "none",
    "score": "{value}/{max} points",
    "na": "–",
}

MESSAGES: dict[str, dict[str, str]] = {
    "vi": {**_VI, **_kpi_messages(_KPI_VI)},
    "en": {**_EN, **_kpi_messages(_KPI_EN)},
}
"""Language → message key → text with `{placeholders}`; both languages have the same keys."""


def check_lang(lang: str) -> str:
    """`lang` if it is a report language, else a ValueError naming the allowed ones."""
    if lang not in MESSAGES:
        raise ValueError(f"unknown report language {lang!r}; allowed: {', '.join(LANGS)}")
    return lang


def t(key: str, lang: str, **values: Any) -> str:
    """The message `key` in `lang`, placeholders filled from `values`."""
    text = MESSAGES[check_lang(lang)][key]
    return text.format(**values) if values else text


def placeholders(text: str) -> set[str]:
    """The `{names}` a message expects."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


# ----- numbers, dates ----------------------------------------------------------------------------


def _missing(x: float | None) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def fmt_number(x: float | None, lang: str, decimals: int = 0) -> str:
    """1700 → "1.700" (vi) / "1,700" (en); 2.5 → "2,5" / "2.5"; negatives with "−"; NaN → "–"."""
    check_lang(lang)
    if _missing(x):
        return "–"
    assert x is not None
    text = f"{abs(x):,.{decimals}f}"
    if lang == "vi":
        text = text.translate(str.maketrans({",": ".", ".": ","}))
    negative = x < 0 and any(c in "123456789" for c in text)
    return (MINUS if negative else "") + text


def fmt_signed(x: float | None, lang: str, decimals: int = 0) -> str:
    """Like `fmt_number` with an explicit sign: "+1,2", "−0,8", "0,0"."""
    text = fmt_number(x, lang, decimals)
    if _missing(x) or text.startswith(MINUS) or not any(c in "123456789" for c in text):
        return text
    return "+" + text


def fmt_plain(x: float, lang: str) -> str:
    """A number with as many digits as it needs (axis ticks): 2.5 → "2,5" (vi), 20 → "20"."""
    if _missing(x):
        return "–"
    text = f"{x:.6g}"
    if "e" in text:
        return text
    decimals = len(text.split(".")[1]) if "." in text else 0
    return fmt_number(float(text), lang, decimals)


def fmt_percent(share: float | None, lang: str, decimals: int = 1) -> str:
    """A share as a percentage: 0.953 → "95,3%" (vi) / "95.3%" (en)."""
    if _missing(share):
        return "–"
    assert share is not None
    return fmt_number(100 * share, lang, decimals) + "%"


def _with_unit(number: str, unit: str) -> str:
    return f"{number}\u00a0{unit}" if unit else number


def fmt_minutes(x: float | None, lang: str, decimals: int = 1) -> str:
    """2.5 → "2,5 phút" (vi) / "2.5 min" (en)."""
    if _missing(x):
        return "–"
    return _with_unit(fmt_number(x, lang, decimals), t("unit.minutes", lang))


def fmt_days(x: float | None, lang: str, decimals: int = 2) -> str:
    """3.09 → "3,09 ngày" (vi) / "3.09 days" (en)."""
    if _missing(x):
        return "–"
    return _with_unit(fmt_number(x, lang, decimals), t("unit.days", lang))


def fmt_count(x: float | None, lang: str, unit: str = "dossiers", decimals: int = 0) -> str:
    """1700 → "1.700 hồ sơ" (vi) / "1,700 dossiers" (en); unit: dossiers, visitors, slips, people."""
    if _missing(x):
        return "–"
    number = fmt_number(x, lang, decimals)
    one = number in {"1", f"{MINUS}1"}
    return _with_unit(number, t(f"unit.{unit}.one" if one else f"unit.{unit}", lang))


def fmt_date(d: dt.date, lang: str) -> str:
    """2025-08-25 → "25/8/2025" (vi) / "25 Aug 2025" (en)."""
    check_lang(lang)
    if lang == "vi":
        return f"{d.day}/{d.month}/{d.year}"
    return f"{d.day} {_MONTHS_EN[d.month - 1]} {d.year}"


def fmt_datetime(moment: dt.datetime, lang: str) -> str:
    """A date with hours and minutes: "25/8/2025, 14:05" / "25 Aug 2025, 14:05"."""
    return f"{fmt_date(moment.date(), lang)}, {moment:%H:%M}"


# ----- KPIs --------------------------------------------------------------------------------------

_UNIT_OF_COUNT: dict[str, str] = {"apology_slips": "slips", "queue_mean": "people", "queue_max": "people"}


def kpi_base(key: str) -> str:
    """The headline part of a KPI key: "wait_mean_min.land" → "wait_mean_min"."""
    return key.split(".", 1)[0]


def kpi_unit(key: str) -> str:
    """The unit a KPI's values are read in: percent, minutes, days, points, visitors, dossiers,
    slips, people, or "" (a plain number)."""
    base = kpi_base(key)
    kind = kpi_kind(key)
    if kind == "share":
        return "percent"
    if kind in {"minutes", "days"}:
        return kind
    if kind == "score":
        return "points"
    if base in _UNIT_OF_COUNT:
        return _UNIT_OF_COUNT[base]
    if kind == "count":
        return "visitors" if base.startswith("visitors_") else "dossiers"
    return ""


def kpi_decimals(key: str, magnitude: float) -> int:
    """Decimals to show for a KPI value (or difference) of about `magnitude` in the KPI's unit
    (shares as fractions): waits 2,5 phút / 0,28 phút, 95,3%, 3,09 ngày, 1.700 hồ sơ / 12,5 hồ sơ."""
    kind = kpi_kind(key)
    m = abs(magnitude) if not _missing(magnitude) else 0.0
    if kind == "share":
        return 2 if 0 < 100 * m < 0.1 else 1
    if kind == "minutes":
        return 1 if m >= 1 or m == 0 else 2
    if kind in {"days", "score"}:
        return 2
    if kind == "count" or kpi_unit(key) == "people":
        return 0 if m >= 100 else 1
    return 2 if m < 10 else 1


def diff_decimals(key: str, values: Iterable[float]) -> int:
    """Decimals for a difference and its interval: the KPI's usual ones for their magnitude, plus
    as many as it takes (at most `MAX_SIGN_DECIMALS`) for no non-zero bound to print as 0."""
    values = [v for v in values if not _missing(v)]
    usual = kpi_decimals(key, max((abs(v) for v in values), default=0.0))
    return sign_decimals(values, usual, 100.0 if kpi_kind(key) == "share" else 1.0)


def _number_in_unit(key: str, x: float, lang: str, decimals: int, signed: bool = False) -> str:
    value = 100 * x if kpi_kind(key) == "share" else x
    return (fmt_signed if signed else fmt_number)(value, lang, decimals)


def unit_label(key: str, lang: str, *, diff: bool, number: str = "", short: bool = False) -> str:
    unit = kpi_unit(key)
    if unit == "percent":
        if not diff:
            return "%"
        one = number.lstrip("+" + MINUS) == "1"
        return t("unit.pp_short" if short else "unit.pp.one" if one else "unit.pp", lang)
    if unit in {"minutes", "days", "points"}:
        return t(f"unit.{unit}", lang)
    if unit:
        one = number.lstrip("+" + MINUS) == "1"
        return t(f"unit.{unit}.one" if one else f"unit.{unit}", lang)
    return ""


def attach_unit(number: str, unit: str) -> str:
    if not unit:
        return number
    return number + unit if unit == "%" else f"{number}\u00a0{unit}"


def fmt_kpi(key: str, value: float | None, lang: str, decimals: int | None = None) -> str:
    """A KPI value with its unit: "2,5 phút", "95,3%", "3,09 ngày", "1.700 hồ sơ", "19,96/20 điểm"."""
    if _missing(value):
        return t("na", lang)
    assert value is not None
    dec = kpi_decimals(key, value) if decimals is None else decimals
    number = _number_in_unit(key, value, lang, dec)
    base = kpi_base(key)
    if base in SCORE_MAX:
        return t("score", lang, value=number, max=fmt_plain(SCORE_MAX[base], lang))
    return attach_unit(number, unit_label(key, lang, diff=False, number=number))


def fmt_kpi_diff(
    key: str,
    value: float | None,
    lang: str,
    decimals: int | None = None,
    *,
    signed: bool = True,
    short: bool = False,
) -> str:
    """A difference of a KPI with its unit: "+1,2 phút", "−0,8 điểm phần trăm" (shares), "+12 hồ sơ".
    `signed=False` prints the magnitude ("giảm 1,2 phút"); `short` abbreviates percentage points."""
    if _missing(value):
        return t("na", lang)
    assert value is not None
    dec = kpi_decimals(key, value) if decimals is None else decimals
    number = _number_in_unit(key, value if signed else abs(value), lang, dec, signed=signed)
    return attach_unit(number, unit_label(key, lang, diff=True, number=number, short=short))


def fmt_kpi_range(
    key: str,
    low: float | None,
    high: float | None,
    lang: str,
    *,
    diff: bool = False,
    signed: bool = False,
    decimals: int | None = None,
) -> str:
    """An interval in prose with the unit once: "0,8–1,6 phút", "từ −0,5 đến +0,7 điểm phần trăm"."""
    if _missing(low) or _missing(high):
        return t("ci.none", lang)
    assert low is not None and high is not None
    dec = kpi_decimals(key, max(abs(low), abs(high))) if decimals is None else decimals
    a = _number_in_unit(key, low, lang, dec, signed=signed)
    b = _number_in_unit(key, high, lang, dec, signed=signed)
    wide = (low < 0 < high) or a.startswith(MINUS) or b.startswith(MINUS)
    text = t("range.wide" if wide else "range.dash", lang, low=a, high=b)
    return attach_unit(text, unit_label(key, lang, diff=diff, number=b))


def fmt_ci(
    key: str,
    low: float | None,
    high: float | None,
    lang: str,
    decimals: int | None = None,
    *,
    signed: bool = False,
) -> str:
    """An interval for a table cell, without the unit: "[0,8; 1,6]" (vi) / "[0.8, 1.6]" (en)."""
    if _missing(low) or _missing(high):
        return t("na", lang)
    assert low is not None and high is not None
    dec = kpi_decimals(key, max(abs(low), abs(high))) if decimals is None else decimals
    return t(
        "ci.brackets",
        lang,
        low=_number_in_unit(key, low, lang, dec, signed=signed),
        high=_number_in_unit(key, high, lang, dec, signed=signed),
    )


def field_label(spec: FieldSpec, lang: str) -> str:
    """A field's name: `name_vi` in Vietnamese (else `name`), `name` in English (else the id)."""
    if lang == "vi":
        return spec.name_vi or spec.name or spec.id
    return spec.name or spec.name_vi or spec.id


def _info(scenario: Scenario | ScenarioInfo) -> ScenarioInfo:
    from sim.scenario.schema import ScenarioInfo

    return scenario if isinstance(scenario, ScenarioInfo) else scenario.scenario


def scenario_title(scenario: Scenario | ScenarioInfo, lang: str) -> str:
    """The scenario's title: `title_vi` in Vietnamese (else `title`), `title` in English (else
    `title_vi`), and the scenario's name when it has neither."""
    info = _info(scenario)
    if lang == "vi":
        return info.title_vi or info.title or info.name
    return info.title or info.title_vi or info.name


def scenario_description(scenario: Scenario | ScenarioInfo, lang: str) -> str:
    """The scenario's description: `description_vi` in Vietnamese (else `description`),
    `description` in English (else `description_vi`); "" when it has neither."""
    info = _info(scenario)
    if lang == "vi":
        return info.description_vi or info.description
    return info.description or info.description_vi


def staff_labels(scenario: Scenario, lang: str) -> dict[str, str]:
    """Staff id → a readable label: the member's `name`, else the role ("Giám đốc"), with the first
    field's name when the role is shared ("Chuyên viên lĩnh vực chứng thực"), and the id if still
    ambiguous."""
    fields = {f.id: f for f in scenario.fields}
    roles = [m.role for m in scenario.staff]

    def label(member: StaffSpec) -> str:
        if member.name:
            return member.name
        role = t(f"role.{member.role}", lang)
        if roles.count(member.role) == 1:
            return role
        first = fields.get(member.fields[0])
        return t(
            "staff.role_field",
            lang,
            role=role,
            field=lower_first(field_label(first, lang)) if first else member.fields[0],
        )

    out = {m.id: label(m) for m in scenario.staff}
    seen = list(out.values())
    return {sid: (f"{text} – {sid}" if seen.count(text) > 1 else text) for sid, text in out.items()}


def kpi_name(key: str, lang: str, scenario: Scenario | None = None) -> str:
    """The KPI's name in `lang`; a dotted breakdown adds its field or staff member in brackets."""
    base, _, part = key.partition(".")
    messages = MESSAGES[check_lang(lang)]
    name = messages.get(f"kpi.{base}", base)
    if not part:
        return name
    label = part
    if scenario is not None:
        fields = {f.id: f for f in scenario.fields}
        if part in fields:
            label = field_label(fields[part], lang)
        elif base.startswith("ticket_machine") and part.isdigit():
            label = t("machine.label", lang, n=part)
        else:
            label = staff_labels(scenario, lang).get(part, part)
    return f"{name} ({label})"


def kpi_help(key: str, lang: str) -> str:
    """The KPI's short explanation in `lang` ("" for an unknown key)."""
    return MESSAGES[check_lang(lang)].get(f"kpi.{kpi_base(key)}.help", "")


def lower_first(text: str) -> str:
    """Lower-case the first letter for use inside a sentence, unless the word is an acronym."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


NAMED_KPIS: tuple[str, ...] = (*KPIS, *(b for b in BREAKDOWNS if b not in KPIS))
"""Every key with a name in MESSAGES: the headline KPIs and the breakdown prefixes."""


# ----- figure text (sim.report.plots) in Vietnamese ----------------------------------------------

PLOT_TEXT_VI: tuple[tuple[str, str], ...] = (
    # sim.report.compare_plots (before the general patterns they share words with)
    (r"^Mean wait by hour of arrival, by scenario", "Thời gian chờ trung bình theo giờ đến, theo phương án"),
    (
        r"(\d+) replications per scenario pooled, common random numbers",
        r"gộp \1 lần mô phỏng mỗi phương án, cùng một dòng người dân đến",
    ),
    (r"(\d+) replications per scenario", r"\1 lần mô phỏng mỗi phương án"),
    (r"^hour of arrival$", "giờ đến"),
    (r" \(base\)$", " (cơ sở)"),
    (
        r"^Dossiers on time \(portal definition\), by scenario",
        "Hồ sơ đúng hạn (theo cách tính của Cổng Dịch vụ công), theo phương án",
    ),
    (r"^on-time rate \(%\), ", "tỷ lệ đúng hạn (%), "),
    (r"^target >= ", "mục tiêu ≥ "),
    (r"^target <= ", "mục tiêu ≤ "),
    (r"^target > ", "mục tiêu > "),
    (r"^target < ", "mục tiêu < "),
    (r"^no key KPIs to compare$", "không có chỉ tiêu chính để so sánh"),
    (r"^no value$", "không có số liệu"),
    # sim.report.plots (the staff-time axis label before the general "bars show ..." pattern)
    (r"^busy share \(%\)$", "tỷ lệ thời gian bận (%)"),
    (r"^error bars: 95% confidence interval of the total$", "vạch sai số: khoảng tin cậy 95% của tổng"),
    (r"^Waiting time for the counter", "Thời gian chờ đến lượt tại quầy"),
    (r"(\d+) replications? pooled", r"gộp \1 lần mô phỏng"),
    (r"mean of (\d+) replications", r"trung bình \1 lần mô phỏng"),
    (r"(\d+) replications?\b", r"\1 lần mô phỏng"),
    (r"bars show the 95% confidence interval", "vạch sai số là khoảng tin cậy 95%"),
    (r"^no counter visitors$", "không có người dân đến quầy"),
    (r"^no replications$", "không có lần mô phỏng nào"),
    (r"^no dossiers$", "không có hồ sơ"),
    (r"^no utilisation KPIs reported$", "không có số liệu về mức độ bận"),
    (r"share of visitors per ([\d.]+) min", r"tỷ lệ người dân theo khoảng \1 phút"),
    (r"^wait for the counter call \(minutes\)", "thời gian chờ đến khi được gọi lên quầy (phút)"),
    (r"([\d.]+)% waited over ([\d.]+) min \(not shown\)", r"\1% số người dân chờ quá \2 phút (không vẽ)"),
    (r"^share of visitors \(%\)$", "tỷ lệ người dân (%)"),
    (r"^cumulative share \(%\)$", "tỷ lệ cộng dồn (%)"),
    (r"^cumulative share$", "tỷ lệ cộng dồn"),
    (r"^threshold ([\d.]+) min$", r"ngưỡng \1 phút"),
    (r"^p90 ([\d.]+) min \(mean\)$", r"phân vị 90: \1 phút (trung bình)"),
    (r"^Mean wait by hour of arrival", "Thời gian chờ trung bình theo giờ đến"),
    (r"^hour of day$", "giờ trong ngày"),
    (
        r"^arrived before opening \(([\d:–]+)\): includes the wait at the door$",
        r"đến trước giờ mở cửa (\1): gồm cả thời gian chờ ở cửa",
    ),
    (
        r"^hour of arrival \(the wait runs from stepping into the ticket line to the counter call\)$",
        "giờ đến (thời gian chờ tính từ lúc xếp hàng lấy số đến khi được gọi lên quầy)",
    ),
    (r"^mean wait \(minutes\)$", "thời gian chờ trung bình (phút)"),
    (r"^Mean queue length by hour of day", "Số người chờ trung bình theo giờ trong ngày"),
    (r"^visitors waiting \(time average\)$", "số người chờ (trung bình theo thời gian)"),
    (
        r"^Utilisation \(busy share of present time\)",
        "Mức độ bận (tỷ lệ thời gian bận trên thời gian có mặt)",
    ),
    (r"^utilisation \(%\), ", "mức độ bận (%), "),
    (r"^Staff: busy share of time at work$", "Cán bộ: tỷ lệ thời gian làm việc bận"),
    (r"^Equipment: busy share of its hours$", "Thiết bị: tỷ lệ thời gian hoạt động bận"),
    (r"^counter$", "tiếp người dân tại quầy"),
    (r"^back office$", "xử lý hồ sơ"),
    (r"^manual numbers$", "cấp số thủ công"),
    (r"^equipment$", "thiết bị"),
    (r"^ticket machine$", "Máy lấy số"),
    (r"^lookup PC$", "Máy tra cứu"),
    (r"^support team$", "Tổ hỗ trợ"),
    (r"^Dossiers received and completed per week", "Hồ sơ tiếp nhận và giải quyết xong theo tuần"),
    (r"^received$", "tiếp nhận"),
    (r"^completed$", "giải quyết xong"),
    (
        r"^week starting \(Monday, dd/mm\); \(n d\): a week with n working days, not (\d+)$",
        r"tuần bắt đầu từ thứ Hai (ngày/tháng); (n ngày): tuần chỉ có n ngày làm việc thay vì \1",
    ),
    (r"\((\d+) d\)$", r"(\1 ngày)"),
    (r"^dossiers per week$", "hồ sơ mỗi tuần"),
    (r"^Back-office backlog at the end of each working day", "Hồ sơ đang giải quyết cuối mỗi ngày làm việc"),
    (r"^95% confidence interval$", "khoảng tin cậy 95%"),
    (r"^mean over replications$", "trung bình các lần mô phỏng"),
    (r"^working day$", "ngày làm việc"),
    (r"^dossiers in progress \(any reception date\)$", "hồ sơ đang giải quyết (mọi ngày tiếp nhận)"),
    (
        r"^Dossier outcomes by field \(portal categories\)",
        "Kết quả giải quyết hồ sơ theo lĩnh vực (phân loại của Cổng Dịch vụ công)",
    ),
    (r"^all fields$", "tất cả lĩnh vực"),
    (r"^early$", "trước hạn"),
    (r"^on time$", "đúng hạn"),
    (r"^late$", "trễ hạn"),
    (r"^in progress within due$", "đang giải quyết, còn trong hạn"),
    (r"^target ([\d.]+)% on time$", r"mục tiêu \1% đúng hạn"),
    (
        r"^share of dossiers received \(%\); the figure at the end is the on-time rate$",
        "tỷ lệ trên số hồ sơ tiếp nhận (%); số ở cuối thanh là tỷ lệ đúng hạn",
    ),
    (r"^better$", "tốt hơn"),
    (r"^worse$", "kém hơn"),
    (r"^no detectable difference$", "không có khác biệt rõ rệt"),
)
"""(regular expression, replacement) pairs applied in order, line by line (re.MULTILINE), to every
text of a standard figure in the Vietnamese report; decimal points then become commas."""
