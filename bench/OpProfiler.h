#pragma once
// Self time per ATen operator on the calling thread, from RecordFunction callbacks: a
// light profiler that shows which layers and kernels take a forward pass's time
// (conv vs norm vs resampling vs copies) without Kineto. Self time = an op's wall time
// minus the ops it called, so the rows add up to the profiled wall time. Copies are
// tabled per caller ("aten::copy_ in CatBackward0"): which layer's data moves, not just
// that some did. Autograd's backward nodes are callers too.

#include <ATen/record_function.h>

#include <algorithm>
#include <chrono>
#include <iomanip>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace aunet::bench {

class OpProfiler {
 public:
  struct Row {
    double selfSeconds = 0.0;
    int64_t calls = 0;
  };

  OpProfiler() {
    table() = {};
    handle_ = at::addGlobalCallback(at::RecordFunctionCallback(&onStart, &onEnd)
                                        .needsInputs(false)
                                        .scopes({at::RecordScope::FUNCTION, at::RecordScope::BACKWARD_FUNCTION}));
  }
  ~OpProfiler() { at::removeCallback(handle_); }
  OpProfiler(const OpProfiler&) = delete;
  OpProfiler& operator=(const OpProfiler&) = delete;

  // Rows by descending self time, with their share of `wallSeconds`.
  static void print(std::ostream& out, double wallSeconds, size_t maxRows = 15) {
    std::vector<std::pair<std::string, Row>> rows(table().begin(), table().end());
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.second.selfSeconds > b.second.selfSeconds; });
    double covered = 0.0;
    out << "| op (self time) | calls | seconds | share of wall |\n| --- | --- | --- | --- |\n";
    for (size_t i = 0; i < rows.size(); ++i) {
      covered += rows[i].second.selfSeconds;
      if (i >= maxRows) continue;
      out << "| " << rows[i].first << " | " << rows[i].second.calls << " | " << std::fixed << std::setprecision(3)
          << rows[i].second.selfSeconds << " | " << std::setprecision(1)
          << 100.0 * rows[i].second.selfSeconds / wallSeconds << "% |\n";
    }
    out << "| (outside any op) | | " << std::setprecision(3) << std::max(0.0, wallSeconds - covered) << " | "
        << std::setprecision(1) << 100.0 * std::max(0.0, wallSeconds - covered) / wallSeconds << "% |\n";
  }

 private:
  using Clock = std::chrono::steady_clock;
  struct Frame {
    Clock::time_point start;
    double childSeconds = 0.0;
    std::string name;
  };

  static std::map<std::string, Row>& table() {
    static std::map<std::string, Row> rows;
    return rows;
  }
  static std::vector<Frame>& stack() {
    thread_local std::vector<Frame> frames;
    return frames;
  }
  static std::unique_ptr<at::ObserverContext> onStart(const at::RecordFunction& fn) {
    stack().push_back({Clock::now(), 0.0, fn.name()});
    return nullptr;
  }
  static void onEnd(const at::RecordFunction& fn, at::ObserverContext*) {
    auto& frames = stack();
    if (frames.empty()) return;
    const Frame frame = frames.back();
    frames.pop_back();
    const double elapsed = std::chrono::duration<double>(Clock::now() - frame.start).count();
    if (!frames.empty()) frames.back().childSeconds += elapsed;
    static const std::thread::id mainThread = std::this_thread::get_id();
    if (std::this_thread::get_id() != mainThread) return;  // only the caller's thread is tabled
    std::string key = fn.name();
    const auto plumbing = [](const std::string& op) {
      return op == "aten::copy_" || op == "aten::_to_copy" || op == "aten::to" || op == "aten::contiguous" ||
             op == "aten::clone" || op == "aten::reshape";
    };
    if (plumbing(key) && key != "aten::to" && key != "aten::contiguous" && key != "aten::reshape") {
      auto caller = frames.rbegin();
      while (caller != frames.rend() && plumbing(caller->name)) ++caller;
      if (caller != frames.rend()) key += " in " + caller->name;
    }
    Row& row = table()[key];
    row.selfSeconds += elapsed - frame.childSeconds;
    ++row.calls;
  }

  at::CallbackHandle handle_;
};

}  // namespace aunet::bench
