// Types for ml-logistic-regression 2.x (the package ships none): what models/logistic.ts uses.
declare module 'ml-logistic-regression' {
  import type { Matrix } from 'ml-matrix';

  interface TwoClassClassifier {
    weights: Matrix;
    /** P(target = 1) of each row, where classifier i's target is "the class is not i". */
    testScores(features: Matrix): number[];
  }

  export default class LogisticRegression {
    constructor(options?: { numSteps?: number; learningRate?: number });
    classifiers: TwoClassClassifier[];
    /** Batch gradient ascent on the summed log-likelihood, one one-vs-all classifier per class; no intercept term. */
    train(features: Matrix, labels: Matrix): void;
  }
}
