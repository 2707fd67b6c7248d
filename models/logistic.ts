// Logistic regression (ml-logistic-regression) on standardised columns. The library fits no
// intercept, so a constant column is prepended; it runs plain batch gradient ascent on the summed
// log-likelihood, so its learning rate scales with the row count and the number of steps acts as
// the (only) regularisation: both are tuned by inner cross-validation (see tuning.ts).
import LogisticRegression from 'ml-logistic-regression';
import { Matrix } from 'ml-matrix';

export interface LogisticParams {
  /** Step size per row: the library's learning rate is this divided by the training row count. */
  rate: number;
  steps: number;
}

export interface LogisticModel {
  kind: 'logistic-regression';
  params: LogisticParams;
  intercept: number;
  /** One per encoded column, on the standardised scale: the standardised coefficients. */
  weights: number[];
}

const withIntercept = (x: readonly number[][]): Matrix => new Matrix(x.map((r) => [1, ...r]));

export function fitLogistic(x: readonly number[][], y: readonly (0 | 1)[], params: LogisticParams): LogisticModel {
  const lr = new LogisticRegression({ numSteps: params.steps, learningRate: params.rate / Math.max(1, x.length) });
  lr.train(withIntercept(x), Matrix.columnVector([...y]));
  // Classifier 0's target is "class is not 0", i.e. the positive class.
  const w = lr.classifiers[0].weights.to1DArray();
  return { kind: 'logistic-regression', params, intercept: w[0], weights: w.slice(1) };
}

export function predictLogistic(model: LogisticModel, row: readonly number[]): number {
  let z = model.intercept;
  for (let j = 0; j < row.length; j++) z += model.weights[j] * row[j];
  return 1 / (1 + Math.exp(-z));
}
