namespace Workbench.Data;

/// <summary>Which part of a dataset with a fixed train/test division to load.</summary>
public enum DatasetSplit
{
    Train,
    Test,
}
