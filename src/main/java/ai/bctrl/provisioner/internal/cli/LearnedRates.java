package ai.bctrl.provisioner.internal.cli;

import ai.bctrl.provisioner.ProvisionerListener;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * With {@code --rate auto}: per space, the learned rate's last, lowest and highest values and the
 * calls answered 429, from the provisioner's events, for the summary and the progress line.
 * Thread-safe and quick, as a listener must be: a map lookup and a few sums under the space's lock.
 */
final class LearnedRates implements ProvisionerListener {
  private static final Integer TOO_MANY_REQUESTS = 429;

  private static final class Space {
    double last = Double.NaN;
    double lowest = Double.POSITIVE_INFINITY;
    double highest = Double.NEGATIVE_INFINITY;
    long calls;
    long rateLimited;
  }

  private final Map<String, Space> spaces = new ConcurrentHashMap<>();

  @Override
  public void attemptEnded(AttemptEnded e) {
    Space s = space(e.spaceId());
    synchronized (s) {
      s.calls++;
      if (TOO_MANY_REQUESTS.equals(e.httpStatus())) {
        s.rateLimited++;
      }
    }
  }

  @Override
  public void rateChanged(RateChanged e) {
    Space s = space(e.spaceId());
    synchronized (s) {
      s.last = e.rate();
      s.lowest = Math.min(s.lowest, e.rate());
      s.highest = Math.max(s.highest, e.rate());
    }
  }

  /** The rates in force now, summed over the spaces (the progress line's); NaN before the first. */
  double current() {
    double sum = Double.NaN;
    for (Space s : spaces.values()) {
      synchronized (s) {
        if (!Double.isNaN(s.last)) {
          sum = Double.isNaN(sum) ? s.last : sum + s.last;
        }
      }
    }
    return sum;
  }

  /** Each space that had a rate, by space id. */
  List<Summary.LearnedRate> snapshot() {
    return spaces.entrySet().stream()
        .map(en -> {
          Space s = en.getValue();
          synchronized (s) {
            return Double.isNaN(s.last) ? null
                : new Summary.LearnedRate(en.getKey(), s.last, s.lowest, s.highest, s.calls, s.rateLimited);
          }
        })
        .filter(java.util.Objects::nonNull)
        .sorted(Comparator.comparing(Summary.LearnedRate::spaceId))
        .toList();
  }

  private Space space(String spaceId) {
    return spaces.computeIfAbsent(spaceId, k -> new Space());
  }
}
