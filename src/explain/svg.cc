// The course as SVG, written by hand: a few rectangles, lines and labels need no library.

#include "regimen/explain/svg.h"

#include <algorithm>
#include <fmt/format.h>

namespace regimen {
namespace {

constexpr int kWidth = 900, kPanelHeight = 300, kLeft = 64, kRight = 24, kTop = 48, kBottom = 56;
constexpr const char* kPhaseColors[] = {"#e8f1fb", "#fdf3e1", "#eef7ea", "#f4ecf8", "#fbe9e9", "#eeeeee", "#e9f6f6"};

std::string escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else if (c == '"') out += "&quot;";
    else out += c;
  }
  return out;
}

struct Scale {
  int32_t first, last;  // days
  int top, height;
  double x(int32_t day) const {
    const double span = std::max(1, last - first);
    return kLeft + (kWidth - kLeft - kRight) * (day - first) / span;
  }
  double y(double score, double max) const { return top + kTop + (height - kTop - kBottom) * (1.0 - score / max); }
};

// The time axis all panels share (so scenarios compare at a glance): from the first event to the
// last one, the as_of day or the recommended window's end.
std::pair<int32_t, int32_t> time_axis(const std::vector<CourseChart>& panels) {
  int32_t first = panels.front().as_of.days, last = first;
  auto see = [&](Date d) {
    first = std::min(first, d.days);
    last = std::max(last, d.days);
  };
  for (const CourseChart& c : panels) {
    see(c.as_of);
    for (const Session& s : c.timeline->sessions) see(s.at.date);
    for (const Assessment& a : c.timeline->assessments) see(a.at.date);
    for (const Recommendation& r : c.evaluation->recommendations)
      if (r.window) see(r.window->latest);
  }
  return {first - 2, last + 4};
}

void panel(std::string& out, const Plan& plan, const CourseChart& c, int top, int32_t first, int32_t last) {
  const Timeline& t = *c.timeline;
  const Evaluation& e = *c.evaluation;
  const Scale sc{first, last, top, kPanelHeight};
  const double plot_top = top + kTop, plot_bottom = top + kPanelHeight - kBottom;

  out += fmt::format("<g class=\"panel\"><text x=\"{}\" y=\"{}\" class=\"title\">{}</text>\n", kLeft, top + 22, escape(c.title));

  // Phase bands, from the replay's history.
  struct Band {
    int32_t from;
    uint32_t phase;
  };
  std::vector<Band> bands{{first, plan.start_phase}};
  for (const HistoryEntry& h : e.history)
    if (h.from_phase != h.to_phase) bands.push_back({e.events[h.event].date.days, h.to_phase});
  for (size_t i = 0; i < bands.size(); ++i) {
    const int32_t end = i + 1 < bands.size() ? bands[i + 1].from : last;
    const double x0 = sc.x(std::max(bands[i].from, first)), x1 = sc.x(end);
    if (x1 <= x0) continue;
    out += fmt::format("<rect class=\"phase\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"{}\"/>\n", x0,
                       plot_top, x1 - x0, plot_bottom - plot_top, kPhaseColors[bands[i].phase % 7]);
    const std::string& name = plan.phases[bands[i].phase].name;
    if (x1 - x0 > 6.5 * static_cast<double>(name.size()) + 8)  // a label only where it fits
      out += fmt::format("<text class=\"phase-label\" x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n", x0 + 4, plot_top + 14, escape(name));
  }

  // The recommended session window.
  for (const Recommendation& r : e.recommendations) {
    if (r.action != Action::kScheduleSession || !r.window) continue;
    const double x0 = sc.x(r.window->earliest.days), x1 = sc.x(r.window->latest.days + 1);
    out += fmt::format("<rect class=\"window\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\"/>\n", x0, plot_top,
                       x1 - x0, plot_bottom - plot_top);
    out += fmt::format("<text class=\"window-label\" x=\"{:.1f}\" y=\"{:.1f}\">next session</text>\n", x0 + 2, plot_bottom - 6);
    break;
  }

  // Axes: scores 0..27 on the left; dates below.
  const double max_score = 27;
  for (int s = 0; s <= 27; s += 9) {
    const double y = sc.y(s, max_score);
    out += fmt::format("<line class=\"grid\" x1=\"{}\" y1=\"{:.1f}\" x2=\"{}\" y2=\"{:.1f}\"/><text class=\"axis\" x=\"{}\" y=\"{:.1f}\">{}</text>\n",
                       kLeft, y, kWidth - kRight, y, kLeft - 8, y + 4, s);
  }
  const int step = std::max(7, ((last - first) / 8 + 6) / 7 * 7);
  for (int32_t d = first + 2; d <= last; d += step)
    out += fmt::format("<text class=\"axis date\" x=\"{:.1f}\" y=\"{:.1f}\">{}</text>\n", sc.x(d), plot_bottom + 34,
                       Date{d}.to_string());
  out += fmt::format("<line class=\"today\" x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\"/><text class=\"today-label\" x=\"{0:.1f}\" y=\"{3:.1f}\">as of {4}</text>\n",
                     sc.x(c.as_of.days), plot_top, plot_bottom, plot_top - 4, c.as_of.to_string());

  // Scores: one line per instrument, solid up to as_of, dashed after.
  const char* kColors[] = {"#1f5fa8", "#b5561c", "#3f8f3f", "#7a3f9a"};
  for (size_t k = 0; k < plan.instruments.specs().size(); ++k) {
    const InstrumentSpec& spec = plan.instruments.specs()[k];
    std::string actual, projected;
    std::string last_actual;
    for (const Assessment& a : t.assessments) {
      if (a.instrument != spec.name) continue;
      const std::string pt = fmt::format("{:.1f},{:.1f} ", sc.x(a.at.date.days), sc.y(a.score, std::max(max_score, double(spec.max_score))));
      if (a.at.date <= c.as_of) {
        actual += pt;
        last_actual = pt;
      } else {
        if (projected.empty()) projected = last_actual;
        projected += pt;
      }
      out += fmt::format("<circle class=\"score {}\" cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"{}\"/>\n", escape(spec.name),
                         sc.x(a.at.date.days), sc.y(a.score, max_score), kColors[k % 4]);
    }
    if (!actual.empty())
      out += fmt::format("<polyline class=\"scores {}\" points=\"{}\" stroke=\"{}\"/>\n", escape(spec.name), actual, kColors[k % 4]);
    if (!projected.empty())
      out += fmt::format("<polyline class=\"scores projected {}\" points=\"{}\" stroke=\"{}\" stroke-dasharray=\"5,4\"/>\n",
                         escape(spec.name), projected, kColors[k % 4]);
    if (!actual.empty() || !projected.empty())
      out += fmt::format("<text class=\"legend\" x=\"{}\" y=\"{}\" fill=\"{}\">{}</text>\n", kWidth - kRight - 60 - 60 * static_cast<int>(k),
                         top + 22, kColors[k % 4], escape(spec.label));
  }

  // Sessions as marks along the bottom; projected ones dashed, missed ones hollow.
  for (const Session& s : t.sessions) {
    const double x = sc.x(s.at.date.days), y = plot_bottom + 12;
    const bool projected = s.at.date > c.as_of;
    const char* cls = s.status != SessionStatus::kCompleted ? "session missed" : (projected ? "session projected" : "session");
    out += fmt::format("<path class=\"{}\" d=\"M {:.1f} {:.1f} l 5 9 l -10 0 z\"/>\n", cls, x, y - 4);
  }
  out += fmt::format("<text class=\"axis\" x=\"{}\" y=\"{:.1f}\">sessions</text>\n", kLeft - 6, plot_bottom + 16);
  out += "</g>\n";
}

}  // namespace

std::string render_svg(const Plan& plan, const std::vector<CourseChart>& panels) {
  const int height = kPanelHeight * static_cast<int>(panels.size()) + 8;
  std::string out = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" font-family=\"Helvetica, Arial, sans-serif\">\n",
      kWidth, height);
  out +=
      "<style>\n"
      ".title{font-size:15px;font-weight:bold}.axis{font-size:11px;fill:#555;text-anchor:end}.date{text-anchor:middle}\n"
      ".phase-label{font-size:11px;fill:#666}.today-label{font-size:11px;fill:#333;text-anchor:middle}.grid{stroke:#ddd;stroke-width:1}.today{stroke:#333;stroke-dasharray:2,3}\n"
      ".window{fill:#ffd54f;fill-opacity:0.35;stroke:#e0a800}.window-label{font-size:10px;fill:#8a6d00}\n"
      ".scores{fill:none;stroke-width:2}.legend{font-size:12px;font-weight:bold}\n"
      ".session{fill:#333}.session.projected{fill:none;stroke:#333;stroke-dasharray:2,2}.session.missed{fill:none;stroke:#b00}\n"
      "</style>\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  if (!panels.empty()) {
    const auto [first, last] = time_axis(panels);
    for (size_t i = 0; i < panels.size(); ++i) panel(out, plan, panels[i], static_cast<int>(i) * kPanelHeight, first, last);
  }
  out += "</svg>\n";
  return out;
}

}  // namespace regimen
