// How a slice view hands its input to its hooks (the measurement tools, the mask
// editor): in the order added, the first that takes an event ends it there, the view's
// own behaviour applies to what none takes, and a hook that yields to the view's drags
// is passed over during a pan or window drag. Also the two paint layers.

#include <gtest/gtest.h>

#include <QPainter>
#include <QTest>

#include <string>
#include <vector>

#include "gui/OverlaySettings.h"
#include "gui/SliceView.h"
#include "gui/SliceViewHook.h"
#include "gui/ViewerDocument.h"
#include "tests/gui/GuiTestSupport.h"

namespace aunet::gui {
namespace {

class RecordingHook final : public SliceViewHook {
 public:
  RecordingHook(std::string name, std::vector<std::string>& log) : name_(std::move(name)), log_(log) {}
  bool takes = false;   // returns true from every handler
  bool yields = false;  // yieldsToViewDrag()
  bool inside = false;
  core::Index3 voxel{-1, -1, -1};

  bool press(SliceView&, QMouseEvent*, bool in, const core::Index3& v) override { return record("press", in, v); }
  bool move(SliceView&, QMouseEvent*, bool in, const core::Index3& v) override { return record("move", in, v); }
  bool release(SliceView&, QMouseEvent*, bool in, const core::Index3& v) override { return record("release", in, v); }
  bool keyPress(SliceView&, QKeyEvent*) override { return record("key", false, {}); }
  void leave(SliceView&) override { log_.push_back(name_ + " leave"); }
  void paint(SliceView&, QPainter&) override { log_.push_back(name_ + " paint"); }
  void paintOver(SliceView&, QPainter&) override { log_.push_back(name_ + " paintOver"); }
  bool yieldsToViewDrag() const override { return yields; }

 private:
  bool record(const char* what, bool in, const core::Index3& v) {
    log_.push_back(name_ + " " + what);
    inside = in;
    voxel = v;
    return takes;
  }
  std::string name_;
  std::vector<std::string>& log_;
};

class SliceViewHookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::application();
    core::Geometry g;
    g.size = {20, 10, 4};
    core::Volume image(g, 1);
    for (int64_t i = 0; i < g.voxelCount(); ++i) image.channel(0)[i] = static_cast<float>(i % 7);
    state_.setGeometry(g);
    document_.setImage(std::move(image), "ramp");
    view_ = std::make_unique<SliceView>(ViewAxis::Axial, &state_, &document_, &overlays_);
    view_->resize(200, 200);
    view_->show();
    QCoreApplication::processEvents();
  }

  std::vector<std::string> log_;
  RecordingHook a{"a", log_}, b{"b", log_}, c{"c", log_};  // outlive the view
  ViewState state_;
  ViewerDocument document_;
  OverlaySettings overlays_;
  std::unique_ptr<SliceView> view_;
};

TEST_F(SliceViewHookTest, TheFirstHookThatTakesAnEventEndsIt) {
  view_->addHook(&a);
  view_->addHook(&b);
  view_->addHook(&c);
  view_->addHook(&b);  // once only
  b.takes = true;
  const core::Index3 cursor = state_.cursor();
  const QPoint centre(100, 100);
  QTest::mousePress(view_.get(), Qt::LeftButton, {}, centre);
  EXPECT_EQ(log_, (std::vector<std::string>{"a press", "b press"}));
  EXPECT_EQ(state_.cursor(), cursor);  // taken: the crosshair stays
  // The voxel under the pointer, computed by the view.
  core::Index3 expected{};
  ASSERT_TRUE(view_->voxelAt(centre, expected));
  EXPECT_TRUE(b.inside);
  EXPECT_EQ(b.voxel, expected);
  log_.clear();
  QTest::mouseRelease(view_.get(), Qt::LeftButton, {}, centre);
  EXPECT_EQ(log_, (std::vector<std::string>{"a release", "b release"}));
  // None takes it: the view moves the crosshair; outside the image `inside` is false.
  b.takes = false;
  view_->removeHook(&b);
  log_.clear();
  QTest::mousePress(view_.get(), Qt::LeftButton, {}, QPoint(150, 100));
  EXPECT_EQ(log_, (std::vector<std::string>{"a press", "c press"}));
  EXPECT_NE(state_.cursor(), cursor);
  EXPECT_TRUE(c.inside);
  QTest::mouseRelease(view_.get(), Qt::LeftButton, {}, QPoint(100, 5));  // above the image
  EXPECT_FALSE(c.inside);
  // Keys and leaving go to the hooks too.
  log_.clear();
  a.takes = true;
  const int64_t slice = state_.sliceIndex(ViewAxis::Axial);
  QTest::keyClick(view_.get(), Qt::Key_PageUp);
  EXPECT_EQ(state_.sliceIndex(ViewAxis::Axial), slice);
  QEvent leave(QEvent::Leave);
  QCoreApplication::sendEvent(view_.get(), &leave);
  EXPECT_EQ(log_, (std::vector<std::string>{"a key", "a leave", "c leave"}));
}

TEST_F(SliceViewHookTest, AHookThatYieldsIsPassedOverDuringTheViewsOwnDrag) {
  RecordingHook& measure = a;
  RecordingHook& editor = b;
  editor.yields = true;
  view_->addHook(&measure);
  view_->addHook(&editor);
  const WindowLevel before = state_.window();
  QTest::mousePress(view_.get(), Qt::RightButton, {}, QPoint(100, 100));  // a window drag
  QTest::mouseMove(view_.get(), QPoint(130, 120));
  QTest::mouseRelease(view_.get(), Qt::RightButton, {}, QPoint(130, 120));
  EXPECT_EQ(log_, (std::vector<std::string>{"a press", "b press", "a move", "a release"}));
  EXPECT_NE(state_.window().width, before.width);
  // The drag is over: the editor follows the pointer again.
  log_.clear();
  QTest::mouseMove(view_.get(), QPoint(110, 110));
  EXPECT_EQ(log_, (std::vector<std::string>{"a move", "b move"}));
}

TEST_F(SliceViewHookTest, HooksPaintUnderAndOverTheText) {
  view_->addHook(&a);
  view_->addHook(&b);
  log_.clear();
  view_->grab();
  EXPECT_EQ(log_, (std::vector<std::string>{"a paint", "b paint", "a paintOver", "b paintOver"}));
}

}  // namespace
}  // namespace aunet::gui
