// Colours and fonts, in one place. The palette is Okabe and Ito's, which stays distinguishable
// under the common colour-vision deficiencies; states also differ in outline and text, never in
// colour alone. Two themes (light, dark) and a large-font mode for projectors.
#pragma once

#include <QColor>
#include <QFont>

namespace ksim::gui {

struct Palette {
  QColor background, panel, text, muted, grid;
  QColor up, down, paused, fenced, controller;  // brokers
  QColor leader, follower, out_of_sync;          // replicas
  QColor committed, uncommitted, lost;           // records
  QColor cut, slow, highlight;
  int font_points = 10;

  static Palette light(bool large_font);
  static Palette dark(bool large_font);
  QFont font(int delta = 0, bool bold = false) const;
};

// Okabe-Ito: orange, sky blue, bluish green, yellow, blue, vermillion, reddish purple.
namespace okabe_ito {
inline const QColor orange{0xE6, 0x9F, 0x00};
inline const QColor sky_blue{0x56, 0xB4, 0xE9};
inline const QColor bluish_green{0x00, 0x9E, 0x73};
inline const QColor yellow{0xF0, 0xE4, 0x42};
inline const QColor blue{0x00, 0x72, 0xB2};
inline const QColor vermillion{0xD5, 0x5E, 0x00};
inline const QColor reddish_purple{0xCC, 0x79, 0xA7};
}  // namespace okabe_ito

}  // namespace ksim::gui
