/** The workerd compatibility date every Worker and test in this repo uses. */
export declare const COMPATIBILITY_DATE: string;
