#pragma once
// A small live plot of the training loss (one point per step) for the fine-tuning
// dialog: the curve scaled to its own range, with the last value written beside it.

#include <QWidget>

#include <vector>

namespace aunet::gui {

class LossCurveWidget : public QWidget {
  Q_OBJECT
 public:
  explicit LossCurveWidget(QWidget* parent = nullptr);
  void setValues(std::vector<double> values);
  const std::vector<double>& values() const { return values_; }
  QSize sizeHint() const override { return {420, 160}; }

 protected:
  void paintEvent(QPaintEvent* event) override;

 private:
  std::vector<double> values_;
};

}  // namespace aunet::gui
