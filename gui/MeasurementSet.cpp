#include "gui/MeasurementSet.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>
#include <limits>

namespace aunet::gui {

namespace {

// Continuous voxel index of slice pixel position (x, y) on `slice` (pixel centres at +0.5).
core::Vec3 toIndex(const SliceGeometry& s, ViewPoint p, int64_t slice) {
  core::Vec3 index{0, 0, 0};
  index[s.horizontalAxis] = s.flipHorizontal ? static_cast<double>(s.width) - p.x - 0.5 : p.x - 0.5;
  index[s.verticalAxis] = s.flipVertical ? static_cast<double>(s.height) - p.y - 0.5 : p.y - 0.5;
  index[s.normalAxis] = static_cast<double>(slice);
  return index;
}

const char* kindName(MeasurementKind kind) {
  switch (kind) {
    case MeasurementKind::Ruler: return "ruler";
    case MeasurementKind::Ellipse: return "ellipse";
    case MeasurementKind::Rectangle: return "rectangle";
  }
  return "";
}

const char* viewName(ViewAxis v) {
  switch (v) {
    case ViewAxis::Axial: return "axial";
    case ViewAxis::Coronal: return "coronal";
    case ViewAxis::Sagittal: return "sagittal";
  }
  return "";
}

}  // namespace

int MeasurementSet::add(const Measurement& m) {
  items_.push_back(m);
  selected_ = static_cast<int>(items_.size()) - 1;
  Q_EMIT changed();
  return selected_;
}

void MeasurementSet::update(int index, const Measurement& m) {
  if (index < 0 || index >= static_cast<int>(items_.size())) return;
  items_[static_cast<size_t>(index)] = m;
  Q_EMIT changed();
}

bool MeasurementSet::remove(int index) {
  if (index < 0 || index >= static_cast<int>(items_.size())) return false;
  items_.erase(items_.begin() + index);
  if (selected_ == index)
    selected_ = -1;
  else if (selected_ > index)
    --selected_;
  Q_EMIT changed();
  return true;
}

bool MeasurementSet::removeSelected() { return remove(selected_); }

void MeasurementSet::clear() {
  items_.clear();
  selected_ = -1;
  Q_EMIT changed();
}

void MeasurementSet::select(int index) {
  selected_ = index >= 0 && index < static_cast<int>(items_.size()) ? index : -1;
  Q_EMIT changed();
}

double MeasurementSet::lengthMm(const Measurement& m, const ViewState& state) {
  const SliceGeometry& s = state.slice(m.view);
  const core::Vec3 a = state.geometry().indexToPhysical(toIndex(s, m.a, m.slice));
  const core::Vec3 b = state.geometry().indexToPhysical(toIndex(s, m.b, m.slice));
  return std::sqrt((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1]) + (a[2] - b[2]) * (a[2] - b[2]));
}

RegionStatistics MeasurementSet::regionStatistics(const Measurement& m, const ViewState& state,
                                                  const core::Volume& image, int channel) {
  RegionStatistics r;
  if (m.kind == MeasurementKind::Ruler) return r;
  const SliceGeometry& s = state.slice(m.view);
  const double x0 = std::min(m.a.x, m.b.x), x1 = std::max(m.a.x, m.b.x);
  const double y0 = std::min(m.a.y, m.b.y), y1 = std::max(m.a.y, m.b.y);
  const double cx = (x0 + x1) / 2, cy = (y0 + y1) / 2, rx = (x1 - x0) / 2, ry = (y1 - y0) / 2;
  const bool ellipse = m.kind == MeasurementKind::Ellipse;
  r.areaMm2 = (ellipse ? M_PI * rx * ry : (x1 - x0) * (y1 - y0)) * s.horizontalSpacing * s.verticalSpacing;
  if (m.slice < 0 || m.slice >= s.depth) return r;
  // Welford's running mean and variance: stable for CT's large offsets.
  double mean = 0, m2 = 0;
  r.min = std::numeric_limits<double>::max();
  r.max = std::numeric_limits<double>::lowest();
  const auto xa = std::max<int64_t>(0, static_cast<int64_t>(std::floor(x0)));
  const auto xb = std::min<int64_t>(s.width - 1, static_cast<int64_t>(std::ceil(x1)));
  const auto ya = std::max<int64_t>(0, static_cast<int64_t>(std::floor(y0)));
  const auto yb = std::min<int64_t>(s.height - 1, static_cast<int64_t>(std::ceil(y1)));
  const int c = std::clamp(channel, 0, image.channels() - 1);
  for (int64_t y = ya; y <= yb; ++y)
    for (int64_t x = xa; x <= xb; ++x) {
      const double px = x + 0.5, py = y + 0.5;
      bool inside;
      if (ellipse)
        inside = rx > 0 && ry > 0 && ((px - cx) / rx) * ((px - cx) / rx) + ((py - cy) / ry) * ((py - cy) / ry) <= 1.0;
      else
        inside = px >= x0 && px <= x1 && py >= y0 && py <= y1;
      if (!inside) continue;
      const core::Index3 v = s.voxelAt(x, y, m.slice);
      const double value = image.at(v[0], v[1], v[2], c);
      ++r.voxels;
      const double delta = value - mean;
      mean += delta / static_cast<double>(r.voxels);
      m2 += delta * (value - mean);
      r.min = std::min(r.min, value);
      r.max = std::max(r.max, value);
    }
  if (r.voxels == 0) {
    r.min = r.max = 0;
    return r;
  }
  r.mean = mean;
  // Sample standard deviation (n - 1), as ITK-SNAP and Horos report it.
  r.sd = r.voxels > 1 ? std::sqrt(m2 / static_cast<double>(r.voxels - 1)) : 0.0;
  return r;
}

QString MeasurementSet::describe(const Measurement& m, const ViewState& state, const core::Volume* image,
                                 int channel) {
  if (m.kind == MeasurementKind::Ruler) return QString("Ruler %1 mm").arg(lengthMm(m, state), 0, 'f', 1);
  const QString kind = m.kind == MeasurementKind::Ellipse ? "Ellipse" : "Rectangle";
  if (!image) return kind;
  const RegionStatistics r = regionStatistics(m, state, *image, channel);
  return QString("%1 %2 mm²: mean %3 SD %4 min %5 max %6")
      .arg(kind)
      .arg(r.areaMm2, 0, 'f', 1)
      .arg(r.mean, 0, 'f', 1)
      .arg(r.sd, 0, 'f', 1)
      .arg(r.min, 0, 'g', 5)
      .arg(r.max, 0, 'g', 5);
}

QString MeasurementSet::toJson() const {
  QJsonArray list;
  for (const Measurement& m : items_)
    list.append(QJsonObject{{"kind", kindName(m.kind)},
                            {"view", viewName(m.view)},
                            {"slice", static_cast<qint64>(m.slice)},
                            {"a", QJsonArray{m.a.x, m.a.y}},
                            {"b", QJsonArray{m.b.x, m.b.y}}});
  return QString::fromUtf8(QJsonDocument(list).toJson(QJsonDocument::Compact));
}

bool MeasurementSet::fromJson(const QString& json) {
  items_.clear();
  selected_ = -1;
  const QJsonDocument doc = QJsonDocument::fromJson(json.toUtf8());
  bool ok = doc.isArray();
  for (const QJsonValue& v : doc.array()) {
    const QJsonObject o = v.toObject();
    Measurement m;
    const QString kind = o.value("kind").toString(), view = o.value("view").toString();
    if (kind == "ruler") m.kind = MeasurementKind::Ruler;
    else if (kind == "ellipse") m.kind = MeasurementKind::Ellipse;
    else if (kind == "rectangle") m.kind = MeasurementKind::Rectangle;
    else { ok = false; continue; }
    if (view == "axial") m.view = ViewAxis::Axial;
    else if (view == "coronal") m.view = ViewAxis::Coronal;
    else if (view == "sagittal") m.view = ViewAxis::Sagittal;
    else { ok = false; continue; }
    m.slice = o.value("slice").toInteger();
    const QJsonArray a = o.value("a").toArray(), b = o.value("b").toArray();
    if (a.size() != 2 || b.size() != 2) { ok = false; continue; }
    m.a = {a[0].toDouble(), a[1].toDouble()};
    m.b = {b[0].toDouble(), b[1].toDouble()};
    items_.push_back(m);
  }
  if (!ok) items_.clear();
  Q_EMIT changed();
  return ok;
}

}  // namespace aunet::gui
