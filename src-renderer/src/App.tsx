import { MODEL_FAMILIES } from '../../src-main/shared/models';
import { METRICS } from '../../src-main/shared/types';

export function App() {
  return (
    <main className="placeholder">
      <h1>ECOpt</h1>
      <p>Tune machine-learning models for accuracy and energy at once.</p>
      <p>
        The desktop screens are on their way. Meanwhile every study runs headless with <code>npx ecopt tune</code>, and
        <code> npx ecopt show &lt;study&gt;</code> prints its trials and Pareto front.
      </p>
      <h2>What a study can optimise</h2>
      <ul>
        {Object.entries(METRICS).map(([name, m]) => (
          <li key={name}>
            {m.label} ({m.unit})
          </li>
        ))}
      </ul>
      <h2>Model families</h2>
      <ul>
        {Object.entries(MODEL_FAMILIES).map(([name, f]) => (
          <li key={name}>
            <code>{name}</code>: {f.label}
          </li>
        ))}
      </ul>
    </main>
  );
}
