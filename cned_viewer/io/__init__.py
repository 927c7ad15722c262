"""Reading and writing images, label maps and cases (SimpleITK, pydicom, highdicom); never Qt."""
