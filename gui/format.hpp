// How the GUI writes a moment of simulated time: seconds with milliseconds, "12.345 s".
#pragma once

#include <QString>

#include "sim/time.hpp"

namespace ksim::gui {

inline QString seconds_text(sim::Time t) { return QString::number(static_cast<double>(t.ns()) / 1e9, 'f', 3) + " s"; }

}  // namespace ksim::gui
