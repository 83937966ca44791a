#include "gui/palette.hpp"

namespace ksim::gui {

Palette Palette::light(bool large_font) {
  Palette p;
  p.background = QColor(0xFA, 0xFA, 0xF7);
  p.panel = QColor(0xFF, 0xFF, 0xFF);
  p.text = QColor(0x1A, 0x1A, 0x1A);
  p.muted = QColor(0x70, 0x70, 0x70);
  p.grid = QColor(0xD8, 0xD8, 0xD8);
  p.up = okabe_ito::sky_blue;
  p.down = QColor(0x9A, 0x9A, 0x9A);
  p.paused = okabe_ito::yellow;
  p.fenced = okabe_ito::orange;
  p.controller = okabe_ito::reddish_purple;
  p.leader = okabe_ito::blue;
  p.follower = okabe_ito::sky_blue;
  p.out_of_sync = okabe_ito::orange;
  p.committed = okabe_ito::bluish_green;
  p.uncommitted = okabe_ito::yellow;
  p.lost = okabe_ito::vermillion;
  p.cut = okabe_ito::vermillion;
  p.slow = okabe_ito::orange;
  p.highlight = okabe_ito::reddish_purple;
  p.font_points = large_font ? 16 : 10;
  return p;
}

Palette Palette::dark(bool large_font) {
  Palette p = light(large_font);
  p.background = QColor(0x1E, 0x1F, 0x22);
  p.panel = QColor(0x2A, 0x2B, 0x2F);
  p.text = QColor(0xEE, 0xEE, 0xEE);
  p.muted = QColor(0xA0, 0xA0, 0xA0);
  p.grid = QColor(0x44, 0x45, 0x4A);
  p.down = QColor(0x5A, 0x5A, 0x5A);
  return p;
}

QFont Palette::font(int delta, bool bold) const {
  QFont f;
  f.setPointSize(font_points + delta);
  f.setBold(bold);
  return f;
}

}  // namespace ksim::gui
