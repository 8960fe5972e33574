#pragma once
// Measurements on the slices of one image (ruler, ellipse and rectangle regions) and
// what they measure, without widgets: a ruler's length in mm, a region's area (mm^2)
// and the mean, SD, min and max of the image voxels whose centres lie inside it.
// Points are slice pixels of the view they were drawn on (x right, y down; a pixel
// spans [x, x + 1)), so they stay put under zoom and pan. Kept per image in the
// viewer's settings as JSON (toJson/fromJson).

#include <QObject>
#include <QString>

#include <cstdint>
#include <vector>

#include "core/Volume.h"
#include "gui/ViewState.h"

namespace aunet::gui {

enum class MeasurementKind { Ruler, Ellipse, Rectangle };

struct Measurement {
  MeasurementKind kind = MeasurementKind::Ruler;
  ViewAxis view = ViewAxis::Axial;
  int64_t slice = 0;
  ViewPoint a{0, 0}, b{0, 0};  // ruler ends, or opposite corners of the region's box
};

struct RegionStatistics {
  int64_t voxels = 0;  // centres inside the region
  double mean = 0, sd = 0, min = 0, max = 0;
  double areaMm2 = 0;  // of the drawn shape
};

class MeasurementSet : public QObject {
  Q_OBJECT
 public:
  explicit MeasurementSet(QObject* parent = nullptr) : QObject(parent) {}

  const std::vector<Measurement>& items() const { return items_; }
  int add(const Measurement& m);  // returns its index, and selects it
  void update(int index, const Measurement& m);
  bool remove(int index);
  bool removeSelected();  // Delete
  void clear();
  int selected() const { return selected_; }
  void select(int index);  // -1: none

  // Distance between the ruler's ends in patient space (mm), through the grid's
  // spacing and direction.
  static double lengthMm(const Measurement& m, const ViewState& state);
  static RegionStatistics regionStatistics(const Measurement& m, const ViewState& state, const core::Volume& image,
                                           int channel);
  // One line for the list and the view: "Ruler 42.3 mm", "Ellipse 310.2 mm²: mean 41.0 SD 3.2 min 30 max 52".
  static QString describe(const Measurement& m, const ViewState& state, const core::Volume* image, int channel);

  QString toJson() const;
  // Replaces the set; false (set left empty) when `json` is not one.
  bool fromJson(const QString& json);

 Q_SIGNALS:
  void changed();

 private:
  std::vector<Measurement> items_;
  int selected_ = -1;
};

}  // namespace aunet::gui
