/** The workbench's and the public site's icon ("红" on the outlet's red), as `app/icon.svg`. */
export const BRAND_ICON_SVG = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 32 32\"><rect width=\"32\" height=\"32\" rx=\"6\" fill=\"#b91c1c\"/><text x=\"16\" y=\"23\" font-size=\"18\" text-anchor=\"middle\" fill=\"#fff\" font-family=\"sans-serif\">红</text></svg>";
