#include "gui/LossCurveWidget.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>

namespace aunet::gui {

LossCurveWidget::LossCurveWidget(QWidget* parent) : QWidget(parent) { setMinimumSize(240, 120); }

void LossCurveWidget::setValues(std::vector<double> values) {
  values_ = std::move(values);
  update();
}

void LossCurveWidget::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  p.fillRect(rect(), QColor(24, 24, 28));
  const QRectF plot = QRectF(rect()).adjusted(44, 10, -10, -22);
  p.setPen(QColor(90, 90, 100));
  p.drawRect(plot);
  p.setPen(QColor(200, 200, 200));
  p.drawText(QRectF(0, plot.bottom() + 2, width(), 18), Qt::AlignCenter, "training step");
  if (values_.empty()) {
    p.drawText(plot, Qt::AlignCenter, "loss appears after the first step");
    return;
  }
  const auto [lo, hi] = std::minmax_element(values_.begin(), values_.end());
  const double low = *lo, high = *hi > *lo ? *hi : *lo + 1e-6;
  p.drawText(QRectF(0, plot.top() - 6, 42, 14), Qt::AlignRight, QString::number(high, 'f', 2));
  p.drawText(QRectF(0, plot.bottom() - 8, 42, 14), Qt::AlignRight, QString::number(low, 'f', 2));
  QPainterPath path;
  const double n = std::max<double>(1.0, static_cast<double>(values_.size() - 1));
  for (size_t i = 0; i < values_.size(); ++i) {
    const QPointF point(plot.left() + plot.width() * static_cast<double>(i) / n,
                        plot.bottom() - plot.height() * (values_[i] - low) / (high - low));
    if (i == 0) path.moveTo(point);
    else path.lineTo(point);
  }
  p.setPen(QPen(QColor(255, 170, 60), 2));
  p.drawPath(path);
  p.setPen(QColor(255, 255, 255));
  p.drawText(plot.adjusted(4, 2, -4, -2), Qt::AlignTop | Qt::AlignRight,
             "loss " + QString::number(values_.back(), 'f', 3));
}

}  // namespace aunet::gui
